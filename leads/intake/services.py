"""Leads that arrive without typing: intake forms and their submissions.

A website posts to an intake form's key. The submission is stored as received; a task
then makes a new lead for the next member of the form's team (answering the
profile-rule criteria), or, when an open lead of that team has the same email,
attaches the submission to it as an event with the fields that differ, which the owner
may accept. An anonymous post never overwrites a lead, never sees another team's lead
and never touches a converted or disqualified one.

Lead values come from outside text through `values` (the CSV import uses it too).
"""

import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from leads import services as lead_services
from leads.models import Lead
from salesproc.bulk import lock_emails
from salesproc.events import acting_via, record_event
from salesproc.models import Team, User
from salesproc.processes import LEADS
from salesproc.services import apply_changes, notify

from .models import HONEYPOT_FIELD, INTAKE_LEAD_FIELD_NAMES, IntakeForm, IntakeSubmission
from .selectors import CLOSED_STATUSES, matching_team_lead
from .values import FULL_NAME, clean_lead_values, guess_field

log = logging.getLogger(__name__)


# -- intake forms ----------------------------------------------------------------------

FORM_FIELDS = ["name", "source", "team", "allowed_fields", "aliases", "redirect_url", "is_active"]
DEFAULT_ALLOWED_FIELDS = ["first_name", "last_name", "email", "phone", "company_name", "job_title"]


def _clean_form_data(data: dict) -> dict:
    data = dict(data)
    errors = {}
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            errors["name"] = "Give the form a name."
    if "allowed_fields" in data:
        allowed = [f for f in INTAKE_LEAD_FIELD_NAMES if f in set(data["allowed_fields"] or [])]
        unknown = set(data["allowed_fields"] or []) - set(INTAKE_LEAD_FIELD_NAMES)
        if unknown:
            errors["allowed_fields"] = "Not lead fields: " + ", ".join(sorted(unknown)) + "."
        elif "last_name" not in allowed:
            errors["allowed_fields"] = "A lead needs a last name: allow Last name."
        elif "email" not in allowed and "company_name" not in allowed:
            errors["allowed_fields"] = "A lead needs an email or a company: allow one of them."
        data["allowed_fields"] = allowed
    if "aliases" in data:
        aliases = {}
        allowed = data.get("allowed_fields") or INTAKE_LEAD_FIELD_NAMES
        for name, field in (data["aliases"] or {}).items():
            name = str(name).strip()
            if not name:
                continue
            if field != FULL_NAME and field not in allowed:
                errors["aliases"] = f"“{name}” points at {field}, which the form does not allow."
                break
            aliases[name] = field
        data["aliases"] = aliases
    if "team" in data and data["team"] is None:
        errors["team"] = "Choose the team whose members receive the leads."
    if "source" in data:
        data["source"] = (data["source"] or "").strip() or "Web form"
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def intake_form_create(*, actor: User, data: dict) -> IntakeForm:
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can create intake forms.")
    data = {"allowed_fields": DEFAULT_ALLOWED_FIELDS, "aliases": {}, **data}
    data = _clean_form_data(data)
    if data.get("team") is None:
        raise ValidationError({"team": "Choose the team whose members receive the leads."})
    form = IntakeForm(created_by=actor)
    apply_changes(form, FORM_FIELDS, data)
    form.full_clean()
    form.save()
    record_event(
        subject=form,
        name="intake_form.created",
        actor=actor,
        summary=f"Intake form {form.name} created",
        data={"team": form.team_id, "source": form.source},
    )
    return form


@transaction.atomic
def intake_form_update(*, actor: User, form: IntakeForm, data: dict) -> IntakeForm:
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can change intake forms.")
    data = _clean_form_data(data)
    changes = apply_changes(form, FORM_FIELDS, data)
    if not changes:
        return form
    form.full_clean()
    form.save()
    record_event(
        subject=form,
        name="intake_form.updated",
        actor=actor,
        summary="Changed " + ", ".join(sorted(changes)),
        data={"changes": changes},
    )
    return form


@transaction.atomic
def intake_form_regenerate_key(*, actor: User, form: IntakeForm) -> IntakeForm:
    """A new key; websites still posting to the old one get 404 from now on."""
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can change intake forms.")
    form.key = secrets.token_urlsafe(24)
    form.save(update_fields=["key", "updated_at"])
    record_event(
        subject=form,
        name="intake_form.key_regenerated",
        actor=actor,
        summary="New key: the old one no longer accepts submissions",
    )
    return form


def intake_form_field_map(form: IntakeForm) -> dict:
    """{posted name: lead field}: the form's own aliases, then field names, then guesses."""
    allowed = set(form.allowed_fields or [])
    return {
        **(form.aliases or {}),
        **{name: name for name in allowed},
    }


def intake_lead_values(form: IntakeForm, payload: dict) -> tuple[dict, list]:
    """What a submission says about the lead: (values, problems), using only allowed fields."""
    allowed = set(form.allowed_fields or [])
    if "first_name" in allowed and "last_name" in allowed:
        allowed.add(FULL_NAME)
    explicit = intake_form_field_map(form)
    raw = {}
    for name, value in payload.items():
        if name == HONEYPOT_FIELD or isinstance(value, (dict, list)):
            continue
        field = explicit.get(name) or guess_field(name)
        if field in allowed and field not in raw:
            raw[field] = value
    if not any((v.strip() if isinstance(v, str) else v not in (None, "")) for v in raw.values()):
        names = ", ".join(form.allowed_fields or [])
        return {}, [f"No usable fields. This form accepts: {names}."]
    return clean_lead_values(raw)


# -- submissions -----------------------------------------------------------------------


@transaction.atomic
def intake_submission_receive(*, form: IntakeForm, payload: dict) -> IntakeSubmission:
    """Store a post as received, then (on commit) hand it to a task.

    Raises ValidationError when nothing in it can make a lead, so the sender hears why.
    A filled honeypot is stored as dropped: the bot hears the usual answer.
    """
    if str(payload.get(HONEYPOT_FIELD) or "").strip():
        return IntakeSubmission.objects.create(
            form=form,
            payload=payload,
            state=IntakeSubmission.State.DROPPED,
            error="Honeypot field filled in: treated as spam.",
            processed_at=timezone.now(),
        )
    _, problems = intake_lead_values(form, payload)
    if problems:
        raise ValidationError({"fields": problems})
    submission = IntakeSubmission.objects.create(form=form, payload=payload)
    transaction.on_commit(lambda: enqueue_submission(submission.pk))
    return submission


def enqueue_submission(submission_id):
    from leads.tasks import process_intake_submission_task

    try:
        process_intake_submission_task.delay(submission_id)
    except Exception:  # broker down: stored as pending, the sweep enqueues it again
        log.warning("could not enqueue intake submission %s", submission_id, exc_info=True)


def team_candidates(team: Team):
    """Members who receive a form's leads in turn: they run lead qualification.

    The manager joins the turn only when nobody else in the team qualifies leads.
    """
    if team is None:
        return []
    members = [
        user
        for user in User.objects.filter(team=team, is_active=True).order_by("id")
        if user.runs(LEADS)
    ]
    reps = [user for user in members if user.pk != team.manager_id]
    return reps or members


def intake_next_owner(*, form: IntakeForm) -> User:
    """The next owner in turn; the pointer moves under a row lock, in the caller's transaction."""
    locked = IntakeForm.objects.select_for_update().get(pk=form.pk)
    candidates = team_candidates(locked.team)
    if not candidates:
        fallback = (locked.team.manager if locked.team else None) or locked.created_by
        if fallback is None:
            raise ValidationError(
                {"team": "The form's team has nobody who runs lead qualification."}
            )
        return fallback
    after = [user for user in candidates if locked.last_owner_id and user.pk > locked.last_owner_id]
    owner = after[0] if after else candidates[0]
    IntakeForm.objects.filter(pk=locked.pk).update(last_owner=owner)
    form.last_owner = owner
    return owner


def _save_lead(*, form: IntakeForm, submission: IntakeSubmission, data: dict):
    """Create the lead of a submission, or attach the submission to the team's open lead
    with that email: (lead, outcome, proposed changes). Never writes an existing lead."""
    email = data.get("email", "")
    if email:
        lock_emails([email])
    existing = matching_team_lead(form=form, email=email)
    if existing is not None:
        proposed = {
            name: [getattr(existing, name), value]
            for name, value in data.items()
            if getattr(existing, name) != value
        }
        offered = ", ".join(sorted(proposed)).replace("_", " ")
        record_event(
            subject=existing,
            name="lead.intake_received",
            actor=None,
            summary=f"Sent the form {form.name} again"
            + (f"; offers changes to {offered}" if proposed else "; nothing new"),
            data={"submission": submission.pk, "form": form.pk, "proposed": proposed},
        )
        return existing, IntakeSubmission.Outcome.ATTACHED, proposed
    owner = intake_next_owner(form=form)
    lead = lead_services.lead_create(actor=None, data={**data, "source": form.source}, owner=owner)
    # lead_create answers the profile-rule criteria itself. The rep it went to hears of it.
    notify(
        recipient=owner,
        text=f"New lead from the form {form.name}: {lead.full_name}"
        + (f", {lead.company_name}" if lead.company_name else ""),
        url=lead.get_absolute_url(),
        key=f"intake-lead-{lead.pk}",
        kind="lead_assigned",
    )
    return lead, IntakeSubmission.Outcome.CREATED, {}


def intake_submission_process(*, submission_id: int) -> IntakeSubmission | None:
    """Turn a pending submission into a lead. Safe to run twice: the second does nothing.

    The claim and the lead are one transaction: if the worker dies half-way, the
    submission is pending again and the sweep retries it.
    """
    with acting_via("intake"), transaction.atomic():
        claimed = IntakeSubmission.objects.filter(
            pk=submission_id, state=IntakeSubmission.State.PENDING
        ).update(state=IntakeSubmission.State.PROCESSING, attempts=F("attempts") + 1)
        if not claimed:
            return None
        submission = IntakeSubmission.objects.select_related("form").get(pk=submission_id)
        try:
            with transaction.atomic():
                data, problems = intake_lead_values(submission.form, submission.payload)
                if problems:
                    raise ValidationError(problems)
                lead, outcome, proposed = _save_lead(
                    form=submission.form, submission=submission, data=data
                )
        except ValidationError as exc:
            submission.state = IntakeSubmission.State.FAILED
            submission.error = "; ".join(exc.messages)[:2000]
            submission.lead = None
            submission.outcome = ""
            submission.proposed_changes = {}
        else:
            submission.state = IntakeSubmission.State.PROCESSED
            submission.error = ""
            submission.lead = lead
            submission.outcome = outcome
            submission.proposed_changes = proposed
        submission.processed_at = timezone.now()
        submission.save(
            update_fields=["state", "error", "lead", "outcome", "proposed_changes", "processed_at"]
        )
        return submission


@transaction.atomic
def intake_submission_accept_changes(
    *, actor: User, lead: Lead, submission_id: int
) -> IntakeSubmission:
    """The owner (or someone who may edit the lead) takes a submission's offered values.

    The caller has fetched `lead` through get_lead_for_user(..., for_write=True). Each
    offer is accepted once; a converted or disqualified lead is not changed.
    """
    submission = (
        IntakeSubmission.objects.select_for_update()
        .filter(pk=submission_id, lead=lead, outcome=IntakeSubmission.Outcome.ATTACHED)
        .first()
    )
    if submission is None:
        raise ValidationError({"submission": "This lead has no such intake submission."})
    if submission.changes_accepted_at is not None:
        return submission
    if lead.status in CLOSED_STATUSES:
        raise ValidationError(
            {"submission": f"This lead is {lead.get_status_display().lower()}; it is not changed."}
        )
    values = {name: new for name, (_, new) in (submission.proposed_changes or {}).items()}
    lead_services.lead_update(actor=actor, lead=lead, data=values)
    submission.changes_accepted_at = timezone.now()
    submission.changes_accepted_by = actor
    submission.save(update_fields=["changes_accepted_at", "changes_accepted_by"])
    return submission


@transaction.atomic
def intake_submission_retry(*, actor: User, submission: IntakeSubmission) -> IntakeSubmission:
    """Send a failed submission through processing again (after fixing the form's team...)."""
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can retry submissions.")
    updated = IntakeSubmission.objects.filter(
        pk=submission.pk, state=IntakeSubmission.State.FAILED
    ).update(state=IntakeSubmission.State.PENDING, error="")
    if not updated:
        raise ValidationError("Only a failed submission can be retried.")
    submission.refresh_from_db()
    record_event(
        subject=submission.form,
        name="intake_form.submission_retried",
        actor=actor,
        summary=f"Submission {submission.pk} sent for processing again",
        data={"submission": submission.pk},
    )
    transaction.on_commit(lambda: enqueue_submission(submission.pk))
    return submission
