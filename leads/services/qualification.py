"""Qualifying a lead: score the answers on the criteria in force, then qualify,
keep working or disqualify, recording the decision on the lead."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads import scoring, selectors
from leads.models import DisqualificationReason, Lead, Qualification
from salesproc.events import record_event
from salesproc.models import User

from .criteria import criteria_in_force, disqualification_reasons_ensure_defaults
from .leads import lock_lead


def _starting_answers(lead, criteria):
    """Answers to start from: the working qualification's, else the last decision's."""
    ids = {spec.id for spec in criteria}
    source = selectors.working_qualification(lead) or selectors.latest_decided_qualification(lead)
    if source is None:
        return {}
    return {int(k): v for k, v in source.answers.items() if int(k) in ids}


def _profile_ids(qualification):
    return [r["criterion"] for r in qualification.results if r.get("from_profile")]


CRITERIA_CHANGED = (
    "An admin changed the questions while you were answering. "
    "Check the answers below and decide again."
)


def _record_decision(
    *, actor, lead, answers, decision, confirm=False, reason=None, note="", answered_version=None
):
    """Score the answers on the current criteria and close the working qualification.

    `answered_version` is the number of the criteria version the rep answered (pages and
    API send it); answers to an older version are refused, not scored on new questions.
    """
    if lead.status == Lead.Status.CONVERTED:
        raise ValidationError("This lead has been converted; its qualification is closed.")
    criteria = criteria_in_force()
    if answered_version is not None and answered_version != criteria.version_number:
        raise ValidationError({"criteria_version": CRITERIA_CHANGED})
    clean, errors = scoring.validate_answers(criteria, answers or {})
    if errors:
        raise ValidationError(
            {"answers": [f"Criterion {key}: {message}" for key, message in errors.items()]}
        )
    merged = _starting_answers(lead, criteria)
    merged.update(clean)
    working = lead.qualifications.select_for_update().filter(decided_at__isnull=True).first()
    profile_ids = set(_profile_ids(working)) - set(clean) if working else set()
    result = scoring.score(criteria, merged, profile=profile_ids)
    if (
        decision == Qualification.Decision.QUALIFIED
        and result.verdict != scoring.QUALIFY
        and not confirm
    ):
        decision = Qualification.Decision.WORKING
    now = timezone.now()
    qualification = working or Qualification(lead=lead)
    qualification.version_id = criteria.version_id
    qualification.answers = {str(k): v for k, v in merged.items()}
    qualification.results = result.results_json()
    qualification.score = result.score
    qualification.verdict = result.verdict
    qualification.decision = decision
    qualification.overridden = bool(
        decision == Qualification.Decision.QUALIFIED and result.verdict != scoring.QUALIFY
    )
    qualification.disqualification_reason = reason
    qualification.note = (note or "").strip()
    qualification.by = actor if actor is not None and actor.is_authenticated else None
    qualification.decided_at = now
    qualification.save()

    before = lead.status
    lead.score = result.score
    fields = ["score", "status", "qualified_at", "disqualified_at", "disqualification_reason"]
    if decision == Qualification.Decision.QUALIFIED:
        lead.status = Lead.Status.QUALIFIED
        lead.qualified_at = lead.qualified_at if before == Lead.Status.QUALIFIED else now
        lead.disqualified_at = None
        lead.disqualification_reason = None
    elif decision == Qualification.Decision.DISQUALIFIED:
        lead.status = Lead.Status.DISQUALIFIED
        lead.qualified_at = None
        lead.disqualified_at = now
        lead.disqualification_reason = reason
    else:
        lead.status = Lead.Status.WORKING
        lead.qualified_at = None
        lead.disqualified_at = None
        lead.disqualification_reason = None
    lead.save(update_fields=[*fields, "updated_at"])

    data = {
        "qualification": qualification.pk,
        "version": criteria.version_number,
        "score": result.score,
        "verdict": result.verdict,
        "status": [before, lead.status],
    }
    if decision == Qualification.Decision.QUALIFIED:
        data["overridden"] = qualification.overridden
        summary = f"Qualified with score {result.score}" + (
            " (rep confirmed against the suggested verdict)" if qualification.overridden else ""
        )
        record_event(subject=lead, name="lead.qualified", actor=actor, summary=summary, data=data)
    elif decision == Qualification.Decision.DISQUALIFIED:
        data["reason"] = reason.name
        record_event(
            subject=lead,
            name="lead.disqualified",
            actor=actor,
            summary=f"Disqualified: {reason.name}",
            data=data,
        )
    else:
        record_event(
            subject=lead,
            name="lead.kept_working",
            actor=actor,
            summary=f"Answers saved, score {result.score}; "
            f"suggested: {result.verdict_label.lower()}",
            data=data,
        )
    return qualification, result


@transaction.atomic
def lead_qualify(
    *,
    actor: User,
    lead: Lead,
    answers: dict,
    confirm: bool = False,
    note: str = "",
    answered_version: int | None = None,
) -> Qualification:
    """Score the answers ({criterion id: value}); qualify when the verdict allows it.

    Answers not given keep the lead's working answers (the profile rules, earlier
    calls). With `confirm` the rep qualifies against the suggested verdict; otherwise a
    lead that does not reach the threshold stays "working" and the result says why.
    """
    lead = lock_lead(lead)
    qualification, _ = _record_decision(
        actor=actor,
        lead=lead,
        answers=answers,
        decision=Qualification.Decision.QUALIFIED,
        confirm=confirm,
        note=note,
        answered_version=answered_version,
    )
    return qualification


@transaction.atomic
def lead_keep_working(
    *,
    actor: User,
    lead: Lead,
    answers: dict,
    note: str = "",
    answered_version: int | None = None,
) -> Qualification:
    """Save the answers so far and keep working the lead, whatever the verdict."""
    lead = lock_lead(lead)
    qualification, _ = _record_decision(
        actor=actor,
        lead=lead,
        answers=answers,
        decision=Qualification.Decision.WORKING,
        note=note,
        answered_version=answered_version,
    )
    return qualification


def _resolve_reason(reason):
    if isinstance(reason, DisqualificationReason):
        if not reason.is_active:
            raise ValidationError({"reason": "This reason is no longer offered."})
        return reason
    text = str(reason or "").strip()
    if not text:
        raise ValidationError({"reason": "Give a reason to disqualify the lead."})
    disqualification_reasons_ensure_defaults()  # a fresh database has none yet
    qs = DisqualificationReason.objects.filter(is_active=True)
    found = qs.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or qs.filter(name__iexact=text).first()
    if found is None:
        names = ", ".join(qs.values_list("name", flat=True))
        raise ValidationError({"reason": f"Unknown reason “{text}”. Choose one of: {names}."})
    return found


@transaction.atomic
def lead_disqualify(
    *,
    actor: User,
    lead: Lead,
    reason,
    answers: dict | None = None,
    note: str = "",
    answered_version: int | None = None,
) -> Qualification:
    """Disqualify a lead; `reason` (a DisqualificationReason, its id or name) is required."""
    reason = _resolve_reason(reason)
    lead = lock_lead(lead)
    qualification, _ = _record_decision(
        actor=actor,
        lead=lead,
        answers=answers or {},
        decision=Qualification.Decision.DISQUALIFIED,
        reason=reason,
        note=note,
        answered_version=answered_version,
    )
    return qualification
