"""Writes for leads: create, update, qualify, disqualify, convert, and the criteria admin.

Every change records an event on the lead (or on the criteria version) in the same
transaction.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import normalise_domain
from accounts.services import account_create, contact_create
from deals.services import deal_create
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import apply_changes, check_owner

from . import scoring, selectors
from .fields import LEAD_FIELDS, PROFILE_FIELDS
from .models import CriteriaVersion, Criterion, DisqualificationReason, Lead, Qualification
from .presets import DEFAULT_DISQUALIFICATION_REASONS, PRESETS

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


# -- leads --------------------------------------------------------------------------


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
        summary=f"Lead {lead.full_name} deleted",
        data={"name": lead.full_name, "email": lead.email},
    )
    lead.delete()


def _starting_answers(lead, criteria):
    """Answers to start from: the working qualification's, else the last decision's."""
    ids = {spec.id for spec in criteria}
    source = selectors.working_qualification(lead) or selectors.latest_decided_qualification(lead)
    if source is None:
        return {}
    return {int(k): v for k, v in source.answers.items() if int(k) in ids}


def _profile_ids(qualification):
    return [r["criterion"] for r in qualification.results if r.get("from_profile")]


@transaction.atomic
def lead_apply_profile_rules(*, lead, actor=None):
    """Answer the current criteria that have a profile rule from the lead's own fields.

    The answers go on the lead's working qualification (made if needed, starting from
    the last answers given); `lead.score` follows. Safe to call twice.
    """
    caller_lead = lead
    lead = _lock(lead)  # two intake tasks for one lead must not both start a working copy
    criteria = selectors.current_criteria()
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


def _lock(lead):
    return Lead.objects.select_for_update().get(pk=lead.pk)


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
    criteria = selectors.current_criteria()
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
    lead = _lock(lead)
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
    lead = _lock(lead)
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
    selectors.active_reasons()  # the defaults on first use
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
    lead = _lock(lead)
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


def _website_url(lead, domain):
    website = (lead.website or "").strip()
    if website and "://" not in website:
        website = "https://" + website
    if website and normalise_domain(website):
        from django.core.validators import URLValidator

        try:
            URLValidator()(website)
            return website
        except ValidationError:
            pass
    return f"https://{domain}" if domain else ""


@transaction.atomic
def lead_convert(
    *,
    actor: User,
    lead: Lead,
    deal_name: str = "",
    amount: Decimal | None = None,
    expected_close_date: date | None = None,
) -> Lead:
    """Turn a qualified lead into account + contact + deal, in one transaction.

    Reuses the account with the lead's domain and the contact with its email, among the
    records the actor can see; when only another team's record matches, refuses (and
    creates nothing) with a message that does not name it. The deal
    starts in the default pipeline's first stage and points back at the lead. Converting
    twice creates nothing and returns the same links.
    """
    lead = _lock(lead)
    if lead.status == Lead.Status.CONVERTED:
        return lead
    if lead.status != Lead.Status.QUALIFIED:
        raise ValidationError(
            {
                "status": f"Only a qualified lead can be converted; this one is {lead.get_status_display().lower()}."
            }
        )
    matches = selectors.conversion_matches(lead=lead, user=actor)
    if matches.refusal:
        raise ValidationError(matches.refusal)
    account, contact = matches.account, matches.contact
    created = []
    domain = selectors.lead_domain(lead)
    if account is None:
        account = account_create(
            actor=actor,
            data={
                "name": lead.company_name or lead.full_name,
                "website": _website_url(lead, domain),
                "domain": domain,
                "industry": lead.industry,
                "employee_count": lead.employee_count,
                "country": lead.country,
                "owner": lead.owner,
            },
            allow_duplicate=True,
        )
        created.append("account")
    if contact is None:
        contact = contact_create(
            actor=actor,
            data={
                "account": account,
                "first_name": lead.first_name or "Unknown",
                "last_name": lead.last_name,
                "email": lead.email,
                "phone": lead.phone,
                "job_title": lead.job_title,
                "owner": lead.owner,
            },
            allow_duplicate=True,
        )
        created.append("contact")
    primary = contact if contact.account_id in (None, account.pk) else None
    deal = deal_create(
        actor=actor,
        name=(deal_name or "").strip() or f"{account.name}: new business",
        amount=amount,
        expected_close_date=expected_close_date,
        account=account,
        owner=lead.owner,
        primary_contact=primary,
        contacts=[contact],
        source_lead_id=lead.pk,
    )
    now = timezone.now()
    lead.status = Lead.Status.CONVERTED
    lead.converted_account = account
    lead.converted_contact = contact
    lead.converted_deal = deal
    lead.converted_at = now
    lead.save(
        update_fields=[
            "status",
            "converted_account",
            "converted_contact",
            "converted_deal",
            "converted_at",
            "updated_at",
        ]
    )
    record_event(
        subject=lead,
        name="lead.converted",
        actor=actor,
        summary=f"Converted to {account.name}, {contact.full_name} and deal {deal.name}",
        data={
            "account": account.pk,
            "contact": contact.pk,
            "deal": deal.pk,
            "created": created,
        },
        also=[account, contact, deal],
    )
    return lead


# -- criteria admin -----------------------------------------------------------------


CRITERIA_LOCK = 4243  # pg_advisory_xact_lock key: one writer of the criteria at a time


def _lock_criteria():
    """Serialise writers of the criteria until the transaction ends.

    Every change (a criterion, the order, the thresholds, a preset) ends with a new
    version numbered after the latest: two writers reading the same latest would both
    take its number + 1. A row lock on the latest version does not serialise them (the
    second re-reads the same row after the first commits), and version 1 has no row to
    lock, so the lock is an advisory one taken before anything is read. SQLite
    serialises writers anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CRITERIA_LOCK])


def _require_admin(actor):
    if actor is None or not actor.is_crm_admin:
        raise PermissionDenied("Only an admin can change the qualification criteria.")
    _lock_criteria()


def _snapshot(criterion: Criterion):
    def num(value):
        return None if value is None else float(value)

    return {
        "id": criterion.pk,
        "label": criterion.label,
        "question": criterion.question,
        "guidance": criterion.guidance,
        "answer_type": criterion.answer_type,
        "choices": criterion.choices or [],
        "number_min": num(criterion.number_min),
        "number_max": num(criterion.number_max),
        "weight": criterion.weight,
        "must_have": criterion.must_have,
        "rule_industries": criterion.rule_industries or [],
        "rule_employees_min": criterion.rule_employees_min,
        "rule_employees_max": criterion.rule_employees_max,
        "rule_countries": criterion.rule_countries or [],
        "order": criterion.order,
    }


def _check_thresholds(qualify_at, disqualify_below):
    errors = {}
    if qualify_at is None or not 0 <= qualify_at <= 100:
        errors["qualify_at"] = "Give a score between 0 and 100."
    if disqualify_below is None or not 0 <= disqualify_below <= 100:
        errors["disqualify_below"] = "Give a score between 0 and 100."
    if not errors and disqualify_below > qualify_at:
        errors["disqualify_below"] = "The disqualify threshold cannot be above the qualify one."
    if errors:
        raise ValidationError(errors)


def _publish(*, actor, note, qualify_at=None, disqualify_below=None) -> CriteriaVersion:
    """Freeze the live criteria (and thresholds) as the next version."""
    _lock_criteria()
    latest = CriteriaVersion.objects.select_for_update().order_by("-number").first()
    if qualify_at is None:
        qualify_at = latest.qualify_at if latest else scoring.DEFAULT_QUALIFY_AT
    if disqualify_below is None:
        disqualify_below = latest.disqualify_below if latest else scoring.DEFAULT_DISQUALIFY_BELOW
    _check_thresholds(qualify_at, disqualify_below)
    criteria = list(Criterion.objects.order_by("order", "id"))
    for index, criterion in enumerate(criteria):
        if criterion.order != index:
            criterion.order = index
            criterion.save(update_fields=["order"])
    version = CriteriaVersion.objects.create(
        number=(latest.number + 1) if latest else 1,
        criteria=[_snapshot(c) for c in criteria],
        qualify_at=qualify_at,
        disqualify_below=disqualify_below,
        note=note[:200],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record_event(
        subject=version,
        name="qualification_criteria.changed",
        actor=actor,
        summary=f"Criteria version {version.number}: {note}",
        data={"version": version.number, "criteria": len(criteria)},
    )
    return version


def _choices_clean(raw):
    options, seen, errors = [], set(), []
    for item in raw or []:
        label = str(item.get("label", "")).strip()
        value = str(item.get("value") or slugify(label)[:40]).strip()
        try:
            points = int(item.get("points", 0))
        except (TypeError, ValueError):
            errors.append(f"“{label}”: points must be a whole number.")
            continue
        if not label or not value:
            errors.append("Every choice needs a label.")
            continue
        if not 0 <= points <= 100:
            errors.append(f"“{label}”: points must be between 0 and 100.")
            continue
        if value in seen:
            errors.append(f"“{label}” appears twice.")
            continue
        seen.add(value)
        options.append({"value": value, "label": label, "points": points})
    if errors:
        raise ValidationError({"choices": errors})
    return options


def _clean_criterion(criterion: Criterion):
    errors = {}
    criterion.label = (criterion.label or "").strip()
    criterion.question = (criterion.question or "").strip()
    if not criterion.label:
        errors["label"] = "Give the criterion a short name."
    if not criterion.question:
        errors["question"] = "Write the question the rep asks."
    if criterion.answer_type == Criterion.AnswerType.CHOICE:
        try:
            criterion.choices = _choices_clean(criterion.choices)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            if len(criterion.choices) < 2:
                errors["choices"] = "A choice needs at least two options."
    else:
        criterion.choices = []
    if criterion.answer_type != Criterion.AnswerType.NUMBER:
        criterion.number_min = criterion.number_max = None
    elif (
        criterion.number_min is not None
        and criterion.number_max is not None
        and criterion.number_min > criterion.number_max
    ):
        errors["number_max"] = "The upper bound is below the lower one."
    criterion.rule_industries = [s.strip() for s in criterion.rule_industries or [] if s.strip()]
    criterion.rule_countries = [s.strip() for s in criterion.rule_countries or [] if s.strip()]
    if criterion.has_profile_rule and criterion.answer_type != Criterion.AnswerType.YES_NO:
        errors["answer_type"] = "A profile rule can only answer a yes / no question."
    low, high = criterion.rule_employees_min, criterion.rule_employees_max
    if low is not None and high is not None and low > high:
        errors["rule_employees_max"] = "The largest size is below the smallest."
    if criterion.weight is None or not 0 <= criterion.weight <= 100:
        errors["weight"] = "Give a weight between 0 and 100."
    if errors:
        raise ValidationError(errors)
    criterion.full_clean()


CRITERION_FIELDS = [
    "label",
    "question",
    "guidance",
    "answer_type",
    "choices",
    "number_min",
    "number_max",
    "weight",
    "must_have",
    "rule_industries",
    "rule_employees_min",
    "rule_employees_max",
    "rule_countries",
]


@transaction.atomic
def criterion_create(*, actor: User, data: dict) -> Criterion:
    """Add a criterion at the end of the questions; publishes a new version."""
    _require_admin(actor)
    criterion = Criterion(order=Criterion.objects.count())
    apply_changes(criterion, CRITERION_FIELDS, data)
    _clean_criterion(criterion)
    criterion.save()
    _publish(actor=actor, note=f"added “{criterion.label}”")
    return criterion


@transaction.atomic
def criterion_update(*, actor: User, criterion: Criterion, data: dict) -> Criterion:
    """Change a criterion; publishes a new version when anything changed."""
    _require_admin(actor)
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    changes = apply_changes(criterion, CRITERION_FIELDS, data)
    if not changes:
        return criterion
    _clean_criterion(criterion)
    criterion.save()
    _publish(actor=actor, note=f"changed “{criterion.label}” ({', '.join(sorted(changes))})")
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    """Remove a criterion from the questions; past qualifications keep it in their version."""
    _require_admin(actor)
    label = criterion.label
    Criterion.objects.filter(pk=criterion.pk).delete()
    _publish(actor=actor, note=f"removed “{label}”")


@transaction.atomic
def criteria_reorder(*, actor: User, order: list[int]) -> CriteriaVersion:
    """Ask the questions in this order (criterion ids, each once)."""
    _require_admin(actor)
    criteria = {c.pk: c for c in Criterion.objects.select_for_update()}
    try:
        ids = [int(i) for i in order]
    except (TypeError, ValueError):
        raise ValidationError({"order": "List criterion ids."})
    if sorted(ids) != sorted(criteria):
        raise ValidationError({"order": "List every current criterion id exactly once."})
    if ids == [c.pk for c in sorted(criteria.values(), key=lambda c: (c.order, c.pk))]:
        return CriteriaVersion.objects.order_by("-number").first()
    for index, pk in enumerate(ids):
        if criteria[pk].order != index:
            criteria[pk].order = index
            criteria[pk].save(update_fields=["order"])
    return _publish(actor=actor, note="reordered the questions")


@transaction.atomic
def criterion_move(*, actor: User, criterion: Criterion, direction: str) -> CriteriaVersion:
    """Move a question one place up or down."""
    _require_admin(actor)
    ids = list(Criterion.objects.order_by("order", "id").values_list("id", flat=True))
    if criterion.pk not in ids or direction not in ("up", "down"):
        raise ValidationError({"order": "Move a current criterion up or down."})
    i = ids.index(criterion.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    return criteria_reorder(actor=actor, order=ids)


@transaction.atomic
def criteria_set_thresholds(
    *, actor: User, qualify_at: int, disqualify_below: int
) -> CriteriaVersion:
    """Change the scores that turn into a verdict; publishes a new version."""
    _require_admin(actor)
    _check_thresholds(qualify_at, disqualify_below)
    current = selectors.current_version()
    if (current.qualify_at, current.disqualify_below) == (qualify_at, disqualify_below):
        return current
    return _publish(
        actor=actor,
        note=f"thresholds: qualify at {qualify_at}, disqualify below {disqualify_below}",
        qualify_at=qualify_at,
        disqualify_below=disqualify_below,
    )


def _create_preset_rows(preset):
    rows = []
    for order, item in enumerate(preset["criteria"]):
        criterion = Criterion(order=order)
        apply_changes(criterion, CRITERION_FIELDS, item)
        _clean_criterion(criterion)
        rows.append(criterion)
    Criterion.objects.bulk_create(rows)


@transaction.atomic
def criteria_load_preset(*, actor: User, preset: str) -> CriteriaVersion:
    """Replace the criteria with a ready-made set: "default", "bant" or "meddicc"."""
    _require_admin(actor)
    if preset not in PRESETS:
        raise ValidationError({"preset": f"Choose one of: {', '.join(PRESETS)}."})
    chosen = PRESETS[preset]
    Criterion.objects.all().delete()
    _create_preset_rows(chosen)
    return _publish(
        actor=actor,
        note=f"loaded {chosen['label']}",
        qualify_at=chosen["qualify_at"],
        disqualify_below=chosen["disqualify_below"],
    )


def criteria_ensure_defaults() -> CriteriaVersion:
    """Version 1 with the three PROCESSES.md criteria, unless a version exists."""
    existing = CriteriaVersion.objects.order_by("-number").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            if not Criterion.objects.exists():
                _create_preset_rows(PRESETS["default"])
            return _publish(
                actor=None,
                note="the default criteria",
                qualify_at=PRESETS["default"]["qualify_at"],
                disqualify_below=PRESETS["default"]["disqualify_below"],
            )
    except IntegrityError:  # another request made version 1 first
        return CriteriaVersion.objects.order_by("-number").first()


# -- disqualification reasons -------------------------------------------------------


def disqualification_reasons_ensure_defaults():
    if DisqualificationReason.objects.exists():
        return
    DisqualificationReason.objects.bulk_create(
        [
            DisqualificationReason(name=name, order=i)
            for i, name in enumerate(DEFAULT_DISQUALIFICATION_REASONS)
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def disqualification_reason_create(*, actor: User, name: str) -> DisqualificationReason:
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the reason a name."})
    existing = DisqualificationReason.objects.filter(name__iexact=name).first()
    if existing is not None:
        if existing.is_active:
            raise ValidationError({"name": f"“{existing.name}” is already on the list."})
        existing.is_active = True
        existing.save(update_fields=["is_active"])
        reason = existing
    else:
        reason = DisqualificationReason.objects.create(
            name=name, order=DisqualificationReason.objects.count()
        )
    record_event(
        subject=reason,
        name="disqualification_reason.added",
        actor=actor,
        summary=f"Disqualification reason “{reason.name}” offered",
    )
    return reason


@transaction.atomic
def disqualification_reason_set_active(
    *, actor: User, reason: DisqualificationReason, active: bool
) -> DisqualificationReason:
    """Retire a reason (past disqualifications keep it) or offer it again."""
    _require_admin(actor)
    if reason.is_active == active:
        return reason
    reason.is_active = active
    reason.save(update_fields=["is_active"])
    record_event(
        subject=reason,
        name="disqualification_reason.changed",
        actor=actor,
        summary=f"Disqualification reason “{reason.name}” {'offered' if active else 'retired'}",
    )
    return reason
