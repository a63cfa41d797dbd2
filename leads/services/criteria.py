"""The qualification criteria admin (criteria, order, thresholds, presets, each change a
new version) and the disqualification reasons."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify

from leads import scoring, selectors
from leads.models import CriteriaVersion, Criterion, DisqualificationReason
from leads.presets import DEFAULT_DISQUALIFICATION_REASONS, PRESETS
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import apply_changes

CRITERIA_LOCK = 4243  # pg_advisory_xact_lock key: one writer of the criteria at a time


def lock_criteria():
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


def require_admin(actor):
    if actor is None or not actor.is_crm_admin:
        raise PermissionDenied("Only an admin can change the qualification criteria.")
    lock_criteria()


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
    lock_criteria()
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
    require_admin(actor)
    criteria_ensure_defaults()  # the first change starts from the defaults
    criterion = Criterion(order=Criterion.objects.count())
    apply_changes(criterion, CRITERION_FIELDS, data)
    _clean_criterion(criterion)
    criterion.save()
    _publish(actor=actor, note=f"added “{criterion.label}”")
    return criterion


@transaction.atomic
def criterion_update(*, actor: User, criterion: Criterion, data: dict) -> Criterion:
    """Change a criterion; publishes a new version when anything changed."""
    require_admin(actor)
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
    require_admin(actor)
    label = criterion.label
    Criterion.objects.filter(pk=criterion.pk).delete()
    _publish(actor=actor, note=f"removed “{label}”")


@transaction.atomic
def criteria_reorder(*, actor: User, order: list[int]) -> CriteriaVersion:
    """Ask the questions in this order (criterion ids, each once)."""
    require_admin(actor)
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
    require_admin(actor)
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
    require_admin(actor)
    _check_thresholds(qualify_at, disqualify_below)
    current = criteria_ensure_defaults()
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
    require_admin(actor)
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


def criteria_in_force():
    """The criteria to score with (writers only): version 1 is made when there is none."""
    return selectors.criteria_of(criteria_ensure_defaults())


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
    require_admin(actor)
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
    require_admin(actor)
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
