"""Writes for leads: create, update, delete, and the profile rules' answers.

Every change records an event on the lead in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads import scoring, selectors
from leads.fields import LEAD_FIELDS, PROFILE_FIELDS
from leads.models import Lead, Qualification
from leads.services.criteria import criteria_in_force
from salesproc.events import record_event
from salesproc.handover import reassign_owned
from salesproc.models import User
from salesproc.services import apply_changes, check_owner
from salesproc.softdelete import move_to_bin

QUALIFIED_STATES = {Lead.Status.QUALIFIED, Lead.Status.CONVERTED}


def _clean_lead_data(data):
    data = {k: v for k, v in dict(data).items() if k in LEAD_FIELDS}
    for name in LEAD_FIELDS:
        if name in data and name != "employee_count" and data[name] is None:
            data[name] = ""
        if isinstance(data.get(name), str):
            data[name] = data[name].strip()
    if "email" in data:
        data["email"] = data["email"].lower()
    if data.get("employee_count") == "":
        data["employee_count"] = None
    return data


@transaction.atomic
def lead_create(*, actor, data: dict, owner) -> Lead:
    """Create a lead owned by `owner`; actor may be None (intake forms, imports).

    Validates with full_clean, lowercases the email, answers the profile-rule criteria
    and records `lead.created`.
    """
    check_owner(actor=actor, owner=owner, records="leads")
    data = _clean_lead_data(data)
    lead = Lead(owner=owner)
    apply_changes(lead, LEAD_FIELDS, data)
    lead.full_clean()
    lead.save()
    record_event(
        subject=lead,
        name="lead.created",
        actor=actor,
        summary=f"Lead {lead.full_name} created" + (f" from {lead.source}" if lead.source else ""),
        data={"owner": owner.pk, "source": lead.source},
    )
    lead_apply_profile_rules(lead=lead, actor=actor)
    return lead


@transaction.atomic
def lead_update(*, actor, lead, data: dict) -> Lead:
    """Change a lead's person, company or owner fields; records `lead.updated` with changes."""
    owner = data.get("owner", lead.owner)
    if owner is None or owner.pk != lead.owner_id:
        check_owner(actor=actor, owner=owner, records="leads")
    data = _clean_lead_data(data)
    changes = apply_changes(lead, LEAD_FIELDS, data)
    if owner is not None and owner.pk != lead.owner_id:
        changes["owner"] = [str(lead.owner), str(owner)]
        lead.owner = owner
    if not changes:
        return lead
    lead.full_clean()
    lead.save()
    record_event(
        subject=lead,
        name="lead.updated",
        actor=actor,
        summary="Changed " + ", ".join(sorted(changes)).replace("_", " "),
        data={"changes": changes},
    )
    if PROFILE_FIELDS & set(changes):
        lead_apply_profile_rules(lead=lead, actor=actor)
    return lead


@transaction.atomic
def lead_delete(*, actor: User, lead: Lead) -> None:
    if lead.status == Lead.Status.CONVERTED:
        raise ValidationError(
            "A converted lead is part of its deal's history and cannot be deleted."
        )
    record_event(
        subject=lead,
        name="lead.deleted",
        actor=actor,
        summary=f"Lead {lead.full_name} moved to the recycle bin",
        data={"name": lead.full_name, "email": lead.email},
    )
    move_to_bin(lead, actor=actor)


OPEN_LEAD_STATUSES = [Lead.Status.NEW, Lead.Status.WORKING, Lead.Status.QUALIFIED]


def lead_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    """Leads still being worked go to to_user; converted and disqualified ones stay."""
    return reassign_owned(
        Lead.objects.filter(status__in=OPEN_LEAD_STATUSES),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="lead.reassigned",
    )


@transaction.atomic
def lead_apply_profile_rules(*, lead, actor=None):
    """Answer the current criteria that have a profile rule from the lead's own fields.

    The answers go on the lead's working qualification (made if needed, starting from
    the last answers given); `lead.score` follows. Safe to call twice.
    """
    caller_lead = lead
    lead = lock_lead(lead)  # two intake tasks for one lead must not both start a working copy
    criteria = criteria_in_force()
    working = (
        Qualification.objects.select_for_update().filter(lead=lead, decided_at__isnull=True).first()
    )
    latest = None if working else selectors.latest_decided_qualification(lead)
    rescored = scoring.profile_rescore(
        criteria, selectors.lead_fields(lead), working=working, latest=latest
    )
    rule_answers, result = rescored.rule_answers, rescored.result
    stored = rescored.stored_answers()
    if working is None:
        if not rule_answers and lead.score is None:
            return None
        working = Qualification(lead=lead)
    elif (
        working.version_id == criteria.version_id
        and working.answers == stored
        and lead.score == result.score
    ):
        return working
    working.version_id = criteria.version_id
    working.answers = stored
    working.results = result.results_json()
    working.score = result.score
    working.verdict = result.verdict
    working.save()
    if lead.score != result.score:
        before = lead.score
        lead.score = caller_lead.score = result.score
        Lead.objects.filter(pk=lead.pk).update(score=result.score, updated_at=timezone.now())
        record_event(
            subject=lead,
            name="lead.scored",
            actor=actor,
            summary=f"Score {result.score} from the lead's profile",
            data={
                "score": [before, result.score],
                "answers": {str(k): v for k, v in rule_answers.items()},
            },
        )
    return working


def lock_lead(lead):
    return Lead.objects.select_for_update().get(pk=lead.pk)
