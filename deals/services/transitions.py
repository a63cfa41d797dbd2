"""Deal transitions: move between stages, win, lose and reopen.

Moving forward (and winning) needs the current stage's exit criteria confirmed and every
stage gate a higher app registered passing (`_check_stage_gates`); losing needs a reason.
Each transition locks the deal's row, checks the version sent, records a stage change
and an event.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deals.models import Deal, LostReason, Stage
from salesproc.models import User
from salesproc.registry import stage_gates_for

from ._common import check_open, deal_event, locked_deal, normalise
from .catalogue import lost_reason_from_text
from .deals import _record_stage_change, first_open_stage


def _confirmed_criteria(stage, confirmed):
    """The stage's exit criteria the caller confirmed; refuses the move if any is missing."""
    criteria = list(stage.exit_criteria or [])
    if not criteria:
        return []
    given = {normalise(item) for item in (confirmed or []) if str(item).strip()}
    missing = [item for item in criteria if normalise(item) not in given]
    if missing:
        raise ValidationError(
            {
                "exit_criteria_confirmed": (
                    f"Before the deal leaves {stage.name}, confirm each exit criterion: "
                    + "; ".join(missing)
                    + "."
                )
            },
            code="exit_criteria",
        )
    return criteria


def _check_stage_gates(*, deal, from_stage, to_stage, actor):
    """Higher apps' gates (an opportunity plan complete...) refuse a forward move."""
    missing = []
    for gate in stage_gates_for():
        missing.extend(gate.check(deal=deal, from_stage=from_stage, to_stage=to_stage, actor=actor))
    if missing:
        raise ValidationError(
            {"stage": f"Before the deal leaves {from_stage.name}: " + " ".join(missing)},
            code="stage_gate",
        )


def _closing_stage(deal, kind):
    stage = deal.pipeline.stages.filter(kind=kind).order_by("order", "id").first()
    if stage is None:
        label = "won" if kind == Stage.Kind.WON else "lost"
        raise ValidationError(
            {"stage": f"The {deal.pipeline.name} pipeline has no closed {label} stage yet."}
        )
    return stage


TRANSITION_FIELDS = [
    "stage",
    "stage_entered_at",
    "status",
    "closed_at",
    "forecast_category",
    "lost_reason",
    "lost_reason_detail",
    "version",
    "updated_at",
]


def _enter_stage(
    deal,
    stage,
    *,
    actor,
    forecast_category,
    confirmed=(),
    status=Deal.Status.OPEN,
    lost_reason=None,
    lost_reason_detail="",
):
    """Every transition ends here: the deal enters `stage` now, with the status and
    forecast category the transition decided; one version bump, one stage-history row."""
    now = timezone.now()
    current = deal.stage
    deal.stage = stage
    deal.stage_entered_at = now
    deal.status = status
    deal.closed_at = now if status != Deal.Status.OPEN else None
    deal.forecast_category = forecast_category
    deal.lost_reason = lost_reason
    deal.lost_reason_detail = lost_reason_detail
    deal.version += 1
    deal.save(update_fields=TRANSITION_FIELDS)
    _record_stage_change(deal, current, stage, actor, list(confirmed), now)


@transaction.atomic
def deal_move_stage(
    *,
    actor: User,
    deal: Deal,
    stage: Stage,
    exit_criteria_confirmed=(),
    version: int | None = None,
    lost_reason: LostReason | None = None,
    lost_reason_text: str = "",
    lost_reason_detail: str = "",
) -> Deal:
    """Move a deal to another stage of its pipeline.

    Moving forward needs every exit criterion of the current stage confirmed. Moving into
    the won or lost stage goes through deal_win or deal_lose (a lost reason is needed).
    """
    if stage is None:
        raise ValidationError({"stage": "Choose the stage to move the deal to."})
    if stage.kind == Stage.Kind.WON:
        return deal_win(
            actor=actor,
            deal=deal,
            exit_criteria_confirmed=exit_criteria_confirmed,
            version=version,
            stage=stage,
        )
    if stage.kind == Stage.Kind.LOST:
        return deal_lose(
            actor=actor,
            deal=deal,
            reason=lost_reason,
            reason_text=lost_reason_text,
            detail=lost_reason_detail,
            version=version,
            stage=stage,
        )
    deal = locked_deal(deal, version)
    check_open(deal, "move it")
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationError({"stage": f"Choose a stage of the {deal.pipeline.name} pipeline."})
    current = deal.stage
    if stage.pk == current.pk:
        raise ValidationError({"stage": f"The deal is already in {stage.name}."})
    forward = (stage.order, stage.pk) > (current.order, current.pk)
    confirmed = _confirmed_criteria(current, exit_criteria_confirmed) if forward else []
    if forward:
        _check_stage_gates(deal=deal, from_stage=current, to_stage=stage, actor=actor)
    _enter_stage(
        deal,
        stage,
        actor=actor,
        confirmed=confirmed,
        forecast_category=stage.default_forecast_category or deal.forecast_category,
    )
    deal_event(
        deal,
        "deal.stage_changed",
        actor,
        f"Moved from {current.name} to {stage.name}",
        {
            "from_stage": current.pk,
            "to_stage": stage.pk,
            "from_stage_name": current.name,
            "to_stage_name": stage.name,
            "exit_criteria_confirmed": confirmed,
        },
    )
    return deal


@transaction.atomic
def deal_win(
    *,
    actor: User,
    deal: Deal,
    exit_criteria_confirmed=(),
    version: int | None = None,
    stage: Stage | None = None,
) -> Deal:
    """Close a deal as won: the won stage, category closed, closed_at now."""
    deal = locked_deal(deal, version)
    check_open(deal, "win it again")
    won = stage or _closing_stage(deal, Stage.Kind.WON)
    if won.pipeline_id != deal.pipeline_id or won.kind != Stage.Kind.WON:
        raise ValidationError({"stage": "Choose the won stage of the deal's pipeline."})
    current = deal.stage
    confirmed = _confirmed_criteria(current, exit_criteria_confirmed)
    _check_stage_gates(deal=deal, from_stage=current, to_stage=won, actor=actor)
    _enter_stage(
        deal,
        won,
        actor=actor,
        confirmed=confirmed,
        status=Deal.Status.WON,
        forecast_category=Deal.ForecastCategory.CLOSED,
    )
    deal_event(
        deal,
        "deal.won",
        actor,
        f"Won {deal.name} ({deal.currency} {deal.amount:,.0f})",
        {
            "from_stage": current.pk,
            "to_stage": won.pk,
            "amount": str(deal.amount),
            "exit_criteria_confirmed": confirmed,
        },
    )
    return deal


@transaction.atomic
def deal_lose(
    *,
    actor: User,
    deal: Deal,
    reason: LostReason | None = None,
    reason_text: str = "",
    detail: str = "",
    version: int | None = None,
    stage: Stage | None = None,
) -> Deal:
    """Close a deal as lost. A reason is required: one from the list, free text, or both.

    `reason_text` is the reason as a client typed it (an id, a listed name or the rep's
    own words): see lost_reason_from_text.
    """
    if reason is None and (reason_text or "").strip():
        reason, detail = lost_reason_from_text(reason_text, detail)
    detail = (detail or "").strip()
    if reason is None and not detail:
        raise ValidationError(
            {"reason": "Say why the deal was lost: pick a reason or describe it."},
            code="required",
        )
    if reason is not None and not reason.is_active:
        raise ValidationError({"reason": f"“{reason.name}” is no longer in the list of reasons."})
    deal = locked_deal(deal, version)
    check_open(deal, "lose it")
    lost = stage or _closing_stage(deal, Stage.Kind.LOST)
    if lost.pipeline_id != deal.pipeline_id or lost.kind != Stage.Kind.LOST:
        raise ValidationError({"stage": "Choose the lost stage of the deal's pipeline."})
    current = deal.stage
    _enter_stage(
        deal,
        lost,
        actor=actor,
        status=Deal.Status.LOST,
        forecast_category=Deal.ForecastCategory.OMITTED,
        lost_reason=reason,
        lost_reason_detail=detail,
    )
    because = " – ".join(part for part in (reason.name if reason else "", detail) if part)
    deal_event(
        deal,
        "deal.lost",
        actor,
        f"Lost {deal.name}: {because}",
        {
            "from_stage": current.pk,
            "to_stage": lost.pk,
            "reason": reason.pk if reason else None,
            "reason_name": reason.name if reason else "",
            "detail": detail,
        },
    )
    return deal


def stage_to_reopen_in(deal: Deal) -> Stage | None:
    """The stage a closed deal reopens in unless told otherwise: the open stage it was
    closed from (the last open stage it was in), else the pipeline's first."""
    last_close = (
        deal.stage_history.filter(to_stage=deal.stage_id, from_stage__kind=Stage.Kind.OPEN)
        .select_related("from_stage")
        .order_by("-changed_at", "-id")
        .first()
    )
    return last_close.from_stage if last_close else first_open_stage(deal.pipeline)


@transaction.atomic
def deal_reopen(
    *, actor: User, deal: Deal, stage: Stage | None = None, version: int | None = None
) -> Deal:
    """Open a won or lost deal again, in the stage given or the one it closed from."""
    deal = locked_deal(deal, version)
    if deal.is_open:
        raise ValidationError({"status": "The deal is already open."})
    if stage is None:
        stage = stage_to_reopen_in(deal)
    if stage is None or stage.pipeline_id != deal.pipeline_id or stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": "Choose an open stage of the deal's pipeline."})
    current = deal.stage
    was = deal.get_status_display().lower()
    _enter_stage(
        deal,
        stage,
        actor=actor,
        forecast_category=stage.default_forecast_category or Deal.ForecastCategory.PIPELINE,
    )
    deal_event(
        deal,
        "deal.reopened",
        actor,
        f"Reopened (was {was}) in {stage.name}",
        {"from_stage": current.pk, "to_stage": stage.pk, "was": was},
    )
    return deal
