"""Writes of deal reporting: quotas, forecast submissions, forecast-category overrides,
the weekly pipeline snapshot and the daily stalled-deal flag (an event; the owner's
notification is its subscriber, in `subscribers`).

Same rules as services.py: keyword-only arguments, one transaction, ValidationError
with a field dict on bad input, an event for every change a person makes.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from deals.models import Deal, ForecastSubmission, PipelineSnapshot, Quota, Stage
from deals.periods import monday_of, month_end, month_label
from salesproc.errors import StaleVersion
from salesproc.events import record_event
from salesproc.models import Event, User

from .selectors import stalled_condition

# -- quotas ----------------------------------------------------------------------------------


def can_set_quota(actor: User, person: User) -> bool:
    """An admin sets anyone's quota; a manager those of their team's reps (not their own)."""
    if actor.is_crm_admin:
        return True
    return bool(person.team_id and person.team_id in actor.managed_team_ids) and (
        person.pk != actor.pk
    )


def _check_quota_writer(actor: User, person: User):
    if not (actor.is_crm_admin or actor.is_manager):
        raise PermissionDenied("Only managers and admins set quotas.")
    if not can_set_quota(actor, person):
        raise ValidationError({"user": "You can only set quotas for the reps of your team."})


def _clean_amount(amount, field="amount") -> Decimal:
    if amount is None or amount == "":
        raise ValidationError({field: "Give an amount."})
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Give an amount as a number."})
    if not value.is_finite() or value < 0:
        raise ValidationError({field: "The amount cannot be negative."})
    if value >= Decimal("1e12"):
        raise ValidationError({field: "That amount is too large."})
    return value.quantize(Decimal("0.01"))


def _clean_period(period_start, field="period_start") -> date:
    if not isinstance(period_start, date):
        raise ValidationError({field: "Give the month the quota is for."})
    if isinstance(period_start, datetime):
        period_start = period_start.date()
    if period_start.day != 1:
        raise ValidationError({field: "A quota covers a calendar month: give its first day."})
    return period_start


@transaction.atomic
def quota_create(*, actor: User, user: User, period_start: date, amount) -> Quota:
    _check_quota_writer(actor, user)
    period_start = _clean_period(period_start)
    amount = _clean_amount(amount)
    if Quota.objects.filter(user=user, period_start=period_start).exists():
        raise ValidationError(
            {
                "period_start": f"{user.display_name} already has a quota for "
                f"{month_label(period_start)}; change that one instead."
            }
        )
    try:
        with transaction.atomic():
            quota = Quota.objects.create(
                user=user,
                period_start=period_start,
                period_end=month_end(period_start),
                amount=amount,
            )
    except IntegrityError:  # a concurrent create won the race
        raise ValidationError(
            {"period_start": f"{user.display_name} already has a quota for that month."}
        )
    record_event(
        subject=quota,
        name="quota.set",
        actor=actor,
        summary=f"Quota for {user.display_name}, {month_label(period_start)}: {amount:,.0f}",
        data={"user": user.pk, "period_start": period_start.isoformat(), "amount": str(amount)},
        also=[user],
    )
    return quota


@transaction.atomic
def quota_update(*, actor: User, quota: Quota, amount) -> Quota:
    _check_quota_writer(actor, quota.user)
    amount = _clean_amount(amount)
    before = quota.amount
    if before == amount:
        return quota
    Quota.objects.filter(pk=quota.pk).update(amount=amount)
    quota.amount = amount
    record_event(
        subject=quota,
        name="quota.changed",
        actor=actor,
        summary=f"Quota for {quota.user.display_name}, {month_label(quota.period_start)}: "
        f"{before:,.0f} → {amount:,.0f}",
        data={"before": str(before), "after": str(amount)},
        also=[quota.user],
    )
    return quota


@transaction.atomic
def quota_delete(*, actor: User, quota: Quota) -> None:
    _check_quota_writer(actor, quota.user)
    record_event(
        subject=quota.user,
        name="quota.deleted",
        actor=actor,
        summary=f"Quota for {month_label(quota.period_start)} removed ({quota.amount:,.0f})",
        data={"period_start": quota.period_start.isoformat(), "amount": str(quota.amount)},
    )
    quota.delete()


@transaction.atomic
def quotas_set(*, actor: User, entries: list[tuple[User, date, Decimal | None]]) -> dict:
    """Apply a grid of quotas: a number sets it, None removes it. All or nothing.

    Errors come back keyed "<user id>:<YYYY-MM>" so a grid can show them per cell.
    """
    if not (actor.is_crm_admin or actor.is_manager):
        raise PermissionDenied("Only managers and admins set quotas.")
    existing = {
        (q.user_id, q.period_start): q
        for q in Quota.objects.select_for_update().filter(
            user__in={person.pk for person, _, _ in entries},
            period_start__in={period for _, period, _ in entries},
        )
    }
    errors = {}
    counts = {"created": 0, "changed": 0, "removed": 0}
    for person, period, amount in entries:
        key = f"{person.pk}:{period:%Y-%m}"
        quota = existing.get((person.pk, period))
        try:
            if amount is None:
                if quota is not None:
                    quota_delete(actor=actor, quota=quota)
                    counts["removed"] += 1
            elif quota is None:
                quota_create(actor=actor, user=person, period_start=period, amount=amount)
                counts["created"] += 1
            elif quota.amount != _clean_amount(amount):
                quota_update(actor=actor, quota=quota, amount=amount)
                counts["changed"] += 1
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return counts


# -- forecast ---------------------------------------------------------------------------------


@transaction.atomic
def forecast_submit(
    *,
    actor: User,
    period_start: date,
    commit_amount,
    best_case_amount,
    note: str = "",
    today: date | None = None,
) -> ForecastSubmission:
    """A rep's call for a month: what they commit to and their best case.

    Each submission is kept (the latest counts), so the manager sees how the call moved.
    """
    today = today or timezone.localdate()
    period_start = _clean_period(period_start)
    if period_start < today.replace(day=1):
        raise ValidationError(
            {"period_start": "That month is over: forecast the current month or a later one."}
        )
    commit_amount = _clean_amount(commit_amount, "commit_amount")
    best_case_amount = _clean_amount(best_case_amount, "best_case_amount")
    if best_case_amount < commit_amount:
        raise ValidationError({"best_case_amount": "The best case is at least what you commit to."})
    submission = ForecastSubmission.objects.create(
        user=actor,
        period_start=period_start,
        period_end=month_end(period_start),
        commit_amount=commit_amount,
        best_case_amount=best_case_amount,
        note=(note or "").strip(),
    )
    record_event(
        subject=submission,
        name="forecast.submitted",
        actor=actor,
        summary=f"Forecast for {month_label(period_start)}: commit {commit_amount:,.0f}, "
        f"best case {best_case_amount:,.0f}",
        data={
            "period_start": period_start.isoformat(),
            "commit_amount": str(commit_amount),
            "best_case_amount": str(best_case_amount),
        },
        also=[actor],
    )
    return submission


def can_override_forecast(actor: User, deal: Deal) -> bool:
    """The owner's manager or an admin overrides a deal's forecast category."""
    if actor.is_crm_admin:
        return True
    return bool(deal.owner.team_id and deal.owner.team_id in actor.managed_team_ids)


@transaction.atomic
def deal_set_forecast_category(*, actor: User, deal: Deal, category: str, version) -> Deal:
    """A manager's override of where a deal sits in the forecast. Stale version: refused."""
    Category = Deal.ForecastCategory
    if category not in Category.values:
        raise ValidationError({"category": f"Choose one of: {', '.join(Category.values)}."})
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ValidationError({"version": "Give the version of the deal you are changing."})
    if not can_override_forecast(actor, deal):
        raise PermissionDenied(
            "Only the owner's manager or an admin overrides a forecast category."
        )
    current = (
        Deal.objects.select_for_update()
        .only("id", "version", "status", "forecast_category")
        .get(pk=deal.pk)
    )
    if current.version != version:
        raise StaleVersion(current_version=current.version)
    if current.status != Deal.Status.OPEN:
        raise ValidationError(
            {"category": "The deal is closed: its forecast category follows its outcome."}
        )
    if category == Category.CLOSED:
        raise ValidationError({"category": "Closed is for won deals: mark the deal won instead."})
    before = current.forecast_category
    if before == category:
        deal.refresh_from_db()
        return deal
    Deal.objects.filter(pk=deal.pk).update(
        forecast_category=category, version=F("version") + 1, updated_at=timezone.now()
    )
    deal.refresh_from_db()
    record_event(
        subject=deal,
        name="deal.forecast_category_changed",
        actor=actor,
        summary=f"Forecast category: {Category(before).label} → {Category(category).label}",
        data={"from": before, "to": category},
        also=[deal.account],
    )
    return deal


# -- weekly snapshot -------------------------------------------------------------------------


def snapshot_week(*, today: date | None = None) -> int:
    """Record every open deal as it stands now, under this week's Monday.

    One INSERT ... SELECT; a deal already recorded this week is left as it was (the
    unique week_start+deal makes a second run a no-op). Returns the rows added.
    """
    week_start = monday_of(today or timezone.localdate())
    snapshot, deal, stage = PipelineSnapshot._meta, Deal._meta, Stage._meta

    def column(meta, name):
        return connection.ops.quote_name(meta.get_field(name).column)

    sql = (
        f"INSERT INTO {connection.ops.quote_name(snapshot.db_table)} "
        f"({column(snapshot, 'week_start')}, {column(snapshot, 'deal')}, "
        f"{column(snapshot, 'owner')}, {column(snapshot, 'stage')}, "
        f"{column(snapshot, 'amount')}, {column(snapshot, 'probability')}, "
        f"{column(snapshot, 'forecast_category')}, {column(snapshot, 'expected_close_date')}) "
        f"SELECT %s, d.{column(deal, 'id')}, d.{column(deal, 'owner')}, "
        f"d.{column(deal, 'stage')}, d.{column(deal, 'amount')}, s.{column(stage, 'probability')}, "
        f"d.{column(deal, 'forecast_category')}, d.{column(deal, 'expected_close_date')} "
        f"FROM {connection.ops.quote_name(deal.db_table)} d "
        f"JOIN {connection.ops.quote_name(stage.db_table)} s "
        f"ON s.{column(stage, 'id')} = d.{column(deal, 'stage')} "
        f"WHERE d.{column(deal, 'status')} = %s AND d.{column(deal, 'deleted_at')} IS NULL "
        f"ON CONFLICT ({column(snapshot, 'week_start')}, {column(snapshot, 'deal')}) DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [week_start, Deal.Status.OPEN])
        return max(cursor.rowcount, 0)


# -- stalled deals ----------------------------------------------------------------------------


def stalled_key(deal: Deal) -> str:
    """One notification per deal per stall: a new stage entry is a new stall."""
    return f"deal-stalled:{deal.pk}:{int(deal.stage_entered_at.timestamp())}"


def stalled_deals_flag(*, now: datetime | None = None, batch: int = 500) -> int:
    """Record `deal.stalled` once per stall of each stalled deal; returns how many.

    The owner is notified by the event's subscriber (`deals.notify_stalled_owner`), not
    here. Safe to run twice and concurrently: each deal is checked under its row lock
    for an event of the same stall (the stage entry), so a second run records nothing.
    """
    now = now or timezone.now()
    stalled = list(
        Deal.objects.filter(stalled_condition(now=now)).order_by("id").values_list("pk", flat=True)
    )
    flagged = 0
    for start in range(0, len(stalled), batch):
        flagged += _flag_chunk(stalled[start : start + batch], now)
    return flagged


@transaction.atomic
def _flag_chunk(deal_ids, now) -> int:
    deals = list(
        Deal.objects.select_for_update(of=("self",))
        .filter(pk__in=deal_ids)
        .filter(stalled_condition(now=now))
        .select_related("stage", "account")
        .order_by("id")
    )
    keys = {stalled_key(deal): deal for deal in deals}
    recorded = set(
        Event.objects.filter(
            name="deal.stalled",
            content_type=ContentType.objects.get_for_model(Deal),
            object_id__in=[deal.pk for deal in deals],
        ).values_list("data__stall", flat=True)
    )
    flagged = 0
    for key, deal in keys.items():
        if key in recorded:
            continue
        days = (now - deal.stage_entered_at).days
        record_event(
            subject=deal,
            name="deal.stalled",
            summary=f"Stalled in {deal.stage.name} for {days} days",
            data={
                "stall": key,
                "stage": deal.stage_id,
                "stage_name": deal.stage.name,
                "days_in_stage": days,
                "limit": deal.stage.stalled_after_days,
            },
            also=[deal.account],
        )
        flagged += 1
    return flagged
