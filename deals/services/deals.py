"""The deal lifecycle: create, edit, delete, move between stages, win, lose and reopen.

A deal carries a `version`: every write bumps it, and an edit made from an older
version is refused with StaleVersion (409 over the API, a message on the form) rather
than silently overwriting what someone else saved in between. A forward move (and a
win) runs the stage gates higher apps register (`_check_stage_gates`).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from deals.models import Deal, LineItem, LostReason, Pipeline, Stage, StageChange
from salesproc.events import record_event
from salesproc.models import User
from salesproc.registry import stage_gates_for
from salesproc.services import apply_changes, check_owner

from ._common import FORECAST_CATEGORIES, check_open, deal_event, locked_deal, money, normalise
from .line_items import build_line_item

DEAL_TYPES = {value for value, _ in Deal.Type.choices}


DEAL_FIELDS = [
    "name",
    "account",
    "primary_contact",
    "owner",
    "deal_type",
    "amount",
    "currency",
    "expected_close_date",
    "forecast_category",
]


def default_pipeline():
    return Pipeline.objects.filter(is_active=True).order_by("-is_default", "order", "id").first()


def first_open_stage(pipeline):
    return pipeline.stages.filter(kind=Stage.Kind.OPEN).order_by("order", "id").first()


def _check_contacts(account, primary_contact):
    """The primary contact works at the account. Other contacts may be anyone involved
    (a partner, a consultant), as lead conversion relies on."""
    if primary_contact is not None and primary_contact.account_id not in (None, account.pk):
        raise ValidationError({"primary_contact": "The contact works at another account."})


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


def _record_stage_change(deal, from_stage, to_stage, actor, confirmed, when):
    return StageChange.objects.create(
        deal=deal,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
        changed_at=when,
        exit_criteria_confirmed=confirmed,
    )


@transaction.atomic
def deal_create(
    *,
    actor: User,
    name: str,
    account,
    owner: User | None = None,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    amount: Decimal | None = None,
    currency: str = "EUR",
    expected_close_date=None,
    primary_contact=None,
    contacts=(),
    deal_type: str = Deal.Type.NEW_BUSINESS,
    source_lead_id: int | None = None,
    line_items=(),
) -> Deal:
    """Create a deal in a pipeline's first open stage (or the stage given).

    `line_items` is a list of {"product", "quantity", "unit_price", "discount_percent"};
    when there are any, the deal's amount is their total.
    """
    pipeline = pipeline or (stage.pipeline if stage else default_pipeline())
    if pipeline is None:
        raise ValidationError({"pipeline": "No pipeline is set up yet: an admin must add one."})
    if not pipeline.is_active:
        raise ValidationError({"pipeline": f"The {pipeline.name} pipeline is no longer in use."})
    stage = stage or first_open_stage(pipeline)
    if stage is None or stage.pipeline_id != pipeline.pk:
        raise ValidationError({"stage": "Choose a stage of the deal's pipeline."})
    if stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": "A new deal starts in an open stage."})
    if account is None:
        raise ValidationError({"account": "Choose the account the deal is with."})
    if deal_type not in DEAL_TYPES:
        raise ValidationError({"deal_type": "Choose new business, up-sell, cross-sell or renewal."})
    if owner is not None:
        check_owner(actor=actor, owner=owner, records="deals")
    owner = owner or actor
    contacts = [c for c in contacts if c is not None]
    _check_contacts(account, primary_contact)
    deal = Deal(
        name=(name or "").strip(),
        account=account,
        owner=owner,
        pipeline=pipeline,
        stage=stage,
        amount=money(amount if amount is not None else 0, "amount"),
        currency=(currency or "EUR").upper(),
        expected_close_date=expected_close_date,
        primary_contact=primary_contact,
        deal_type=deal_type,
        source_lead_id=source_lead_id,
        forecast_category=stage.default_forecast_category or Deal.ForecastCategory.PIPELINE,
    )
    deal.full_clean()
    deal.save()
    if primary_contact is not None and primary_contact not in contacts:
        contacts.append(primary_contact)
    if contacts:
        deal.contacts.add(*contacts)
    _record_stage_change(deal, None, stage, actor, [], deal.stage_entered_at)
    items = [build_line_item(deal, **item) for item in line_items]
    if items:
        LineItem.objects.bulk_create(items)
        deal.amount = sum((item.total for item in items), Decimal("0"))
        deal.save(update_fields=["amount"])
    deal_event(
        deal,
        "deal.created",
        actor,
        f"Deal {deal.name} created in {stage.name}",
        {"stage": stage.pk, "amount": str(deal.amount), "owner": owner.pk},
    )
    return deal


@transaction.atomic
def deal_update(*, actor: User, deal: Deal, version: int, data: dict) -> Deal:
    """Edit a deal's details. Stage and status change through move, win, lose and reopen."""
    if version is None:
        raise ValidationError({"version": "Send the version of the deal you edited."})
    deal = locked_deal(deal, version)
    data = dict(data)
    contacts = data.pop("contacts", None)
    unknown = set(data) - set(DEAL_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    if "owner" in data and data["owner"] != deal.owner:
        check_owner(actor=actor, owner=data["owner"], records="deals")
    if "amount" in data:
        data["amount"] = money(data["amount"], "amount")
        if data["amount"] != deal.amount and deal.line_items.exists():
            raise ValidationError(
                {"amount": "The amount is the total of the line items: change those instead."}
            )
    if "deal_type" in data and data["deal_type"] not in DEAL_TYPES:
        raise ValidationError({"deal_type": "Choose new business, up-sell, cross-sell or renewal."})
    if "forecast_category" in data and data["forecast_category"] != deal.forecast_category:
        category = data["forecast_category"]
        if category not in FORECAST_CATEGORIES:
            raise ValidationError({"forecast_category": "Choose a forecast category."})
        if not deal.is_open:
            raise ValidationError(
                {"forecast_category": "A closed deal's category follows its result."}
            )
        if category == Deal.ForecastCategory.CLOSED:
            raise ValidationError(
                {"forecast_category": "Closed is set when the deal is won; choose another."}
            )
    if "currency" in data:
        data["currency"] = (data["currency"] or "").upper()
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    account = data.get("account", deal.account)
    if account is None:
        raise ValidationError({"account": "Choose the account the deal is with."})
    primary_contact = data.get("primary_contact", deal.primary_contact)
    current_contacts = list(deal.contacts.all())
    _check_contacts(account, primary_contact)

    changes = apply_changes(deal, DEAL_FIELDS, data)
    new_contacts = None
    if contacts is not None or (primary_contact is not None and "primary_contact" in changes):
        wanted = list(contacts) if contacts is not None else list(current_contacts)
        if primary_contact is not None and primary_contact not in wanted:
            wanted.append(primary_contact)
        if {c.pk for c in wanted} != {c.pk for c in current_contacts}:
            new_contacts = wanted
            changes["contacts"] = [
                sorted(c.full_name for c in current_contacts),
                sorted(c.full_name for c in wanted),
            ]
    if not changes:
        return deal
    deal.full_clean()
    deal.version += 1
    deal.save(update_fields=[f for f in DEAL_FIELDS if f in changes] + ["version", "updated_at"])
    if new_contacts is not None:
        deal.contacts.set(new_contacts)
    deal_event(
        deal,
        "deal.updated",
        actor,
        "Changed " + ", ".join(field.replace("_", " ") for field in sorted(changes)),
        {"changes": changes, "version": deal.version},
    )
    return deal


@transaction.atomic
def deal_delete(*, actor: User, deal: Deal) -> None:
    """Remove a deal entered by mistake. Won deals are results and stay."""
    deal = locked_deal(deal)
    if deal.status == Deal.Status.WON:
        raise ValidationError(
            {"deal": "A won deal counts in the results and cannot be deleted: reopen it first."}
        )
    record_event(
        subject=deal.account,
        name="deal.deleted",
        actor=actor,
        summary=f"Deal {deal.name} deleted",
        data={"deal": deal.pk, "name": deal.name, "amount": str(deal.amount)},
        also=[deal.primary_contact],
    )
    try:
        with transaction.atomic():
            deal.delete()
    except ProtectedError:
        raise ValidationError(
            {"deal": "Other records depend on this deal; close it as lost instead."}
        )


def _closing_stage(deal, kind):
    stage = deal.pipeline.stages.filter(kind=kind).order_by("order", "id").first()
    if stage is None:
        label = "won" if kind == Stage.Kind.WON else "lost"
        raise ValidationError(
            {"stage": f"The {deal.pipeline.name} pipeline has no closed {label} stage yet."}
        )
    return stage


@transaction.atomic
def deal_move_stage(
    *,
    actor: User,
    deal: Deal,
    stage: Stage,
    exit_criteria_confirmed=(),
    version: int | None = None,
    lost_reason: LostReason | None = None,
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
    now = timezone.now()
    deal.stage = stage
    deal.stage_entered_at = now
    if stage.default_forecast_category:
        deal.forecast_category = stage.default_forecast_category
    deal.version += 1
    deal.save(
        update_fields=["stage", "stage_entered_at", "forecast_category", "version", "updated_at"]
    )
    _record_stage_change(deal, current, stage, actor, confirmed, now)
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
    now = timezone.now()
    deal.stage = won
    deal.stage_entered_at = now
    deal.status = Deal.Status.WON
    deal.closed_at = now
    deal.forecast_category = Deal.ForecastCategory.CLOSED
    deal.lost_reason = None
    deal.lost_reason_detail = ""
    deal.version += 1
    deal.save(
        update_fields=[
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
    )
    _record_stage_change(deal, current, won, actor, confirmed, now)
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
    detail: str = "",
    version: int | None = None,
    stage: Stage | None = None,
) -> Deal:
    """Close a deal as lost. A reason is required: one from the list, free text, or both."""
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
    now = timezone.now()
    deal.stage = lost
    deal.stage_entered_at = now
    deal.status = Deal.Status.LOST
    deal.closed_at = now
    deal.forecast_category = Deal.ForecastCategory.OMITTED
    deal.lost_reason = reason
    deal.lost_reason_detail = detail
    deal.version += 1
    deal.save(
        update_fields=[
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
    )
    _record_stage_change(deal, current, lost, actor, [], now)
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


@transaction.atomic
def deal_reopen(
    *, actor: User, deal: Deal, stage: Stage | None = None, version: int | None = None
) -> Deal:
    """Open a won or lost deal again, in the stage given or the one it closed from."""
    deal = locked_deal(deal, version)
    if deal.is_open:
        raise ValidationError({"status": "The deal is already open."})
    if stage is None:
        last_close = (
            deal.stage_history.filter(to_stage=deal.stage, from_stage__kind=Stage.Kind.OPEN)
            .select_related("from_stage")
            .order_by("-changed_at", "-id")
            .first()
        )
        stage = last_close.from_stage if last_close else first_open_stage(deal.pipeline)
    if stage is None or stage.pipeline_id != deal.pipeline_id or stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": "Choose an open stage of the deal's pipeline."})
    current = deal.stage
    was = deal.get_status_display().lower()
    now = timezone.now()
    deal.stage = stage
    deal.stage_entered_at = now
    deal.status = Deal.Status.OPEN
    deal.closed_at = None
    deal.lost_reason = None
    deal.lost_reason_detail = ""
    deal.forecast_category = stage.default_forecast_category or Deal.ForecastCategory.PIPELINE
    deal.version += 1
    deal.save(
        update_fields=[
            "stage",
            "stage_entered_at",
            "status",
            "closed_at",
            "lost_reason",
            "lost_reason_detail",
            "forecast_category",
            "version",
            "updated_at",
        ]
    )
    _record_stage_change(deal, current, stage, actor, [], now)
    deal_event(
        deal,
        "deal.reopened",
        actor,
        f"Reopened (was {was}) in {stage.name}",
        {"from_stage": current.pk, "to_stage": stage.pk, "was": was},
    )
    return deal
