"""Writes for territory management: territories, assignment rules, pins, and the
set-wise re-run that applies the rules to every account.

The rules live in the services only: forms and serializers shape input into
`territories.inputs` and show the ValidationError raised here.
"""

from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Account
from accounts.services import account_owners_set
from salesproc.background import run_after_commit
from salesproc.events import record_event, record_events_bulk
from salesproc.models import User, users_visible_to

from . import matching
from .inputs import RULE_LIST_FIELDS, RuleInput, TerritoryInput
from .models import AccountTerritory, AssignmentRule, AssignmentRun, Territory, TerritorySettings

LIST_ITEM_LIMIT = 100
BATCH_SIZE = 5000


def _require_manager(actor: User):
    if not (actor.is_crm_admin or actor.managed_team_ids):
        raise ValidationError("Only an admin or a sales manager can change territories.")


# -- territories --------------------------------------------------------------------


def _check_territory(actor: User, data: TerritoryInput, territory: Territory | None):
    _require_manager(actor)
    name = (data.name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the territory a name."
    elif len(name) > 120:
        errors["name"] = "Keep the name under 120 characters."
    elif Territory.objects.filter(name__iexact=name).exclude(pk=getattr(territory, "pk", None)):
        errors["name"] = f"There is already a territory called “{name}”."
    team = data.team
    if data.rep is not None:
        if not users_visible_to(actor).filter(pk=data.rep.pk).exists():
            errors["rep"] = "Choose a rep from your team."
        team = team or data.rep.team
    if team is None and not actor.is_crm_admin:
        team = actor.team if actor.team_id in actor.managed_team_ids else None
        if team is None and actor.managed_team_ids:
            from salesproc.models import Team

            team = Team.objects.get(pk=actor.managed_team_ids[0])
    if team is not None and not actor.is_crm_admin and team.pk not in actor.managed_team_ids:
        errors["team"] = "You can only manage territories of your own team."
    if data.parent is not None:
        if not Territory.objects.visible_to(actor).filter(pk=data.parent.pk).exists():
            errors["parent"] = "This territory does not exist or you cannot see it."
        elif territory is not None and _is_within(data.parent, territory):
            errors["parent"] = "A territory cannot sit inside itself or one of its own parts."
    if errors:
        raise ValidationError(errors)
    return name, team


def _is_within(candidate: Territory, territory: Territory) -> bool:
    """Whether `candidate` is `territory` or lies below it (a parent change would loop)."""
    seen = set()
    node = candidate
    while node is not None and node.pk not in seen:
        if node.pk == territory.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


@transaction.atomic
def territory_create(*, actor: User, data: TerritoryInput) -> Territory:
    name, team = _check_territory(actor, data, None)
    territory = Territory.objects.create(name=name, parent=data.parent, rep=data.rep, team=team)
    record_event(
        subject=territory,
        name="territory.created",
        actor=actor,
        summary=f"Territory {territory.name} created",
        data={"rep": data.rep.pk if data.rep else None, "parent": territory.parent_id},
    )
    return territory


@transaction.atomic
def territory_update(*, actor: User, territory: Territory, data: TerritoryInput) -> Territory:
    name, team = _check_territory(actor, data, territory)
    changes = {}
    for field, value in (("name", name), ("parent", data.parent), ("rep", data.rep)):
        if getattr(territory, field) != value:
            changes[field] = str(value) if value is not None else None
            setattr(territory, field, value)
    territory.team = team
    territory.save(update_fields=["name", "parent", "rep", "team"])
    if changes:
        record_event(
            subject=territory,
            name="territory.updated",
            actor=actor,
            summary=f"Territory {territory.name} changed: {', '.join(changes)}",
            data=changes,
        )
    return territory


@transaction.atomic
def territory_delete(*, actor: User, territory: Territory) -> None:
    _require_manager(actor)
    if territory.children.exists():
        raise ValidationError(
            {"parent": "Move or delete the territories inside it first."}, code="has_children"
        )
    name = territory.name
    record_event(
        subject=territory,
        name="territory.deleted",
        actor=actor,
        summary=f"Territory {name} deleted",
    )
    territory.delete()
    start_reassignment(actor=actor)


# -- assignment rules ---------------------------------------------------------------


def _clean_list(values, field):
    cleaned = []
    for value in values or []:
        value = str(value).strip()
        if not value:
            continue
        if len(value) > LIST_ITEM_LIMIT:
            raise ValidationError({field: f"“{value[:20]}…” is too long."})
        if value.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(value)
    return cleaned


def _decimal(value, field):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Enter a number."}) from None
    if not number.is_finite():
        raise ValidationError({field: "Enter a number."})
    return number


def clean_rule(*, actor: User, data: RuleInput, rule: AssignmentRule | None) -> RuleInput:
    """The rule as it would be saved, or a ValidationError naming each bad field."""
    errors = {}
    territory = data.territory
    if territory is None or not (
        Territory.objects.editable_by(actor).filter(pk=territory.pk).exists()
    ):
        errors["territory"] = "Choose a territory you manage."
    lists = {}
    for field in RULE_LIST_FIELDS:
        try:
            lists[field] = _clean_list(getattr(data, field), field)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    bad_status = [s for s in lists.get("statuses", []) if s not in Account.Status.values]
    if bad_status:
        errors["statuses"] = f"Unknown account status: {', '.join(bad_status)}."
    priority = data.priority
    if priority is None or priority < 1:
        errors["priority"] = "Give the rule a priority of 1 or more (1 is tried first)."
    else:
        taken = (
            AssignmentRule.objects.filter(priority=priority)
            .exclude(pk=getattr(rule, "pk", None))
            .select_related("territory")
            .first()
        )
        if taken is not None:
            errors["priority"] = (
                f"Priority {priority} is already used by a rule of {taken.territory}; "
                "rules cannot share a priority (the first match wins)."
            )
    numbers = {}
    for field in ("latitude", "longitude", "radius_km"):
        try:
            numbers[field] = _decimal(getattr(data, field), field)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    lat, lon, radius = (numbers.get(f) for f in ("latitude", "longitude", "radius_km"))
    if lat is not None and not Decimal(-90) <= lat <= Decimal(90):
        errors["latitude"] = "Latitude must be between -90 and 90."
    if lon is not None and not Decimal(-180) <= lon <= Decimal(180):
        errors["longitude"] = "Longitude must be between -180 and 180."
    if radius is not None and not Decimal(0) < radius <= Decimal(20000):
        errors["radius_km"] = "The radius must be more than 0 and at most 20,000 km."
    given = [v is not None for v in (lat, lon, radius)]
    if any(given) and not all(given) and not {"latitude", "longitude", "radius_km"} & set(errors):
        errors["radius_km"] = "A radius needs a centre: give latitude, longitude and radius."
    low, high = data.employees_min, data.employees_max
    if low is not None and high is not None and low > high:
        errors["employees_max"] = "The largest size must not be below the smallest."
    if not errors and not (
        any(lists.values()) or low is not None or high is not None or all(given)
    ):
        errors["__all__"] = "Give the rule at least one condition, or it matches every account."
    if errors:
        raise ValidationError(errors)
    return replace(data, **lists, latitude=lat, longitude=lon, radius_km=radius)


def _rule_values(data: RuleInput) -> dict:
    return {
        "territory": data.territory,
        "priority": data.priority,
        **{field: getattr(data, field) for field in RULE_LIST_FIELDS},
        "employees_min": data.employees_min,
        "employees_max": data.employees_max,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "radius_km": data.radius_km,
    }


def proposed_rules(*, data: RuleInput | None, rule: AssignmentRule | None, delete: bool = False):
    """Today's rules with one change made in memory (a new rule, an edit or a removal)."""
    rules = [r for r in AssignmentRule.objects.all() if rule is None or r.pk != rule.pk]
    if not delete and data is not None:
        changed = AssignmentRule(pk=getattr(rule, "pk", None), **_rule_values(data))
        changed.territory_id = data.territory.pk
        rules.append(changed)
    return rules


def rule_change_preview(
    *,
    actor: User,
    data: RuleInput | None = None,
    rule: AssignmentRule | None = None,
    delete: bool = False,
) -> list[matching.Move]:
    """What applying the change would move: accounts per (from, to) territory, pins kept."""
    _require_manager(actor)
    if not delete:
        data = clean_rule(actor=actor, data=data, rule=rule)
    return matching.moves_for(
        Account.objects.all(), proposed_rules(data=data, rule=rule, delete=delete)
    )


def _rule_event(rule, name, actor, summary):
    record_event(
        subject=rule.territory,
        name=name,
        actor=actor,
        summary=summary,
        data={"rule": rule.pk, "priority": rule.priority},
    )


@transaction.atomic
def rule_create(*, actor: User, data: RuleInput) -> tuple[AssignmentRule, AssignmentRun]:
    data = clean_rule(actor=actor, data=data, rule=None)
    rule = AssignmentRule.objects.create(**_rule_values(data))
    _rule_event(rule, "territory.rule_added", actor, f"Rule #{rule.priority} added")
    return rule, start_reassignment(actor=actor)


@transaction.atomic
def rule_update(
    *, actor: User, rule: AssignmentRule, data: RuleInput
) -> tuple[AssignmentRule, AssignmentRun]:
    data = clean_rule(actor=actor, data=data, rule=rule)
    for field, value in _rule_values(data).items():
        setattr(rule, field, value)
    rule.save()
    _rule_event(rule, "territory.rule_changed", actor, f"Rule #{rule.priority} changed")
    return rule, start_reassignment(actor=actor)


@transaction.atomic
def rule_delete(*, actor: User, rule: AssignmentRule) -> AssignmentRun:
    _require_manager(actor)
    _rule_event(rule, "territory.rule_removed", actor, f"Rule #{rule.priority} removed")
    rule.delete()
    return start_reassignment(actor=actor)


# -- pins ---------------------------------------------------------------------------


def _visible_account(actor, account):
    if not Account.objects.visible_to(actor).filter(pk=account.pk).exists():
        raise ValidationError({"account": "This account does not exist or you cannot see it."})


@transaction.atomic
def account_pin(*, actor: User, account: Account, territory: Territory) -> AccountTerritory:
    """Keep `account` in `territory` whatever the rules say."""
    _visible_account(actor, account)
    if not Territory.objects.editable_by(actor).filter(pk=territory.pk).exists():
        raise ValidationError({"territory": "Choose a territory you manage."})
    row, _ = AccountTerritory.objects.select_for_update().get_or_create(account=account)
    before = row.territory_id
    row.territory, row.pinned, row.assigned_at = territory, True, timezone.now()
    row.save(update_fields=["territory", "pinned", "assigned_at"])
    record_event(
        subject=account,
        name="account.territory_pinned",
        actor=actor,
        summary=f"Pinned to territory {territory.name}",
        data={"from": before, "to": territory.pk},
        also=[territory],
    )
    _follow_rep([account.pk], actor=actor)
    return row


@transaction.atomic
def account_unpin(*, actor: User, account: Account) -> AccountTerritory | None:
    """Let the rules decide the account's territory again (applied at once)."""
    _visible_account(actor, account)
    row = AccountTerritory.objects.select_for_update().filter(account=account).first()
    if row is None or not row.pinned:
        raise ValidationError({"account": "This account is not pinned to a territory."})
    if not Territory.objects.editable_by(actor).filter(pk=row.territory_id).exists():
        raise ValidationError({"territory": "Only who manages the territory can unpin it."})
    row.pinned = False
    row.save(update_fields=["pinned"])
    record_event(
        subject=account,
        name="account.territory_unpinned",
        actor=actor,
        summary="Territory pin removed: the rules decide again",
        data={"territory": row.territory_id},
    )
    reassign_accounts(account_ids=[account.pk], actor=actor)
    row.refresh_from_db()
    return row


# -- applying the rules ---------------------------------------------------------------


@transaction.atomic
def territory_settings_update(
    *, actor: User, owner_follows_rep: bool | None = None, **questions
) -> TerritorySettings:
    """The admin's settings: whether the owner follows the rep, and the wording of the
    territory plan's three questions (plan_question_accounts/_attention/_service)."""
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can change territory settings.")
    current, _ = TerritorySettings.objects.select_for_update().get_or_create(pk=1)
    fields = []
    if owner_follows_rep is not None:
        current.owner_follows_rep = bool(owner_follows_rep)
        fields.append("owner_follows_rep")
    errors = {}
    for name, value in questions.items():
        if name not in PLAN_QUESTIONS:
            raise ValidationError({name: "Not a territory setting."})
        value = (value or "").strip()
        if not value:
            errors[name] = "Write the question the plan asks."
        elif len(value) > 300:
            errors[name] = "Keep the question under 300 characters."
        setattr(current, name, value)
        fields.append(name)
    if errors:
        raise ValidationError(errors)
    current.save(update_fields=fields or None)
    return current


PLAN_QUESTIONS = ("plan_question_accounts", "plan_question_attention", "plan_question_service")


def _follow_rep(account_ids, *, actor=None):
    """With the admin setting on, the territory's rep becomes each account's owner, through
    the accounts service (set-wise, one `account.reassigned` event per account moved)."""
    if not TerritorySettings.current().owner_follows_rep or not account_ids:
        return 0
    owners = dict(
        AccountTerritory.objects.filter(
            account_id__in=list(account_ids), territory__rep__isnull=False
        ).values_list("account_id", "territory__rep_id")
    )
    return account_owners_set(
        owners=owners, actor=actor, reason="Owner follows the territory's rep"
    )


def reassign_accounts(*, account_ids=None, id_range=None, actor=None, rules=None) -> int:
    """Apply the rules to these accounts (ids, or a pk range [low, high)); pins are kept.

    Set-wise: one INSERT for accounts without a row, one SELECT of the rows that change
    and one UPDATE from the same CASE expression the preview uses. Returns how many moved.
    """
    rules = list(AssignmentRule.objects.all()) if rules is None else rules
    accounts = Account.objects.all()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    if id_range is not None:
        accounts = accounts.filter(pk__gte=id_range[0], pk__lt=id_range[1])
    missing = accounts.exclude(pk__in=AccountTerritory.objects.values("account_id")).values_list(
        "pk", flat=True
    )
    AccountTerritory.objects.bulk_create(
        [AccountTerritory(account_id=pk) for pk in missing], ignore_conflicts=True
    )
    matched = matching.matched_territory(
        Account.objects.filter(pk=OuterRef("account_id")), rules
    ).values("matched")[:1]
    rows = AccountTerritory.objects.filter(pinned=False, account__in=accounts.values("pk"))
    moving = list(
        rows.annotate(new=Subquery(matched, output_field=IntegerField()))
        .filter(matching.changed("new", "territory_id"))
        .values_list("pk", "account_id", "territory_id", "new")
    )
    if not moving:
        return 0
    AccountTerritory.objects.filter(pk__in=[m[0] for m in moving]).update(
        territory_id=Subquery(matched, output_field=IntegerField()), assigned_at=timezone.now()
    )
    moved_accounts = [m[1] for m in moving]
    record_events_bulk(
        subjects=list(Account.objects.filter(pk__in=moved_accounts).only("pk")),
        name="account.territory_changed",
        actor=actor,
        summary="Territory changed by the assignment rules",
    )
    _follow_rep(moved_accounts, actor=actor)
    return len(moving)


def start_reassignment(*, actor: User | None) -> AssignmentRun:
    """Record a run and enqueue it once the rule change commits."""
    run = AssignmentRun.objects.create(started_by=actor, total=Account.objects.count())
    from .tasks import reassign_territories_task

    run_after_commit(reassign_territories_task, run.pk)
    return run


def assignment_run(*, run_id: int, batch_size: int = BATCH_SIZE) -> AssignmentRun | None:
    """Run a queued re-run in pk batches, counting progress. Safe to run twice: only the
    caller that moves it from queued to running does the work."""
    claimed = AssignmentRun.objects.filter(pk=run_id, status=AssignmentRun.Status.QUEUED).update(
        status=AssignmentRun.Status.RUNNING
    )
    run = AssignmentRun.objects.filter(pk=run_id).first()
    if not claimed:
        return run
    rules = list(AssignmentRule.objects.all())
    ids = Account.objects.order_by("pk").values_list("pk", flat=True)
    low, high = ids.first(), ids.last()
    total = Account.objects.count()
    AssignmentRun.objects.filter(pk=run_id).update(total=total)
    moved = 0
    try:
        if low is not None:
            start = low
            while start <= high:
                end = start + batch_size
                with transaction.atomic():
                    moved_now = reassign_accounts(
                        id_range=(start, end), actor=run.started_by, rules=rules
                    )
                    done = Account.objects.filter(pk__gte=start, pk__lt=end).count()
                    AssignmentRun.objects.filter(pk=run_id).update(
                        done=F("done") + done, moved=F("moved") + moved_now
                    )
                moved += moved_now
                start = end
    except Exception as exc:
        AssignmentRun.objects.filter(pk=run_id).update(
            status=AssignmentRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    AssignmentRun.objects.filter(pk=run_id).update(
        status=AssignmentRun.Status.DONE,
        done=total,
        summary=f"{moved} account{'s' if moved != 1 else ''} changed territory",
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def assign_account_on_event(event) -> None:
    """Subscriber of account.created and account.updated: the rules place the account."""
    reassign_accounts(account_ids=[event.object_id])
