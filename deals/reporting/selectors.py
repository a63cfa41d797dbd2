"""Reads of deal reporting: pipeline by stage, win rate, sales cycle, velocity,
attainment, the forecast roll-up, stalled deals and the quota grid (the month plan is in
month_plan, re-exported here).

Every figure is summed by the database (conditional aggregates, one query per block);
Python only divides totals and lays the results out.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from deals.models import Deal, ForecastSubmission, Quota, Stage
from deals.periods import (
    add_months,
    day_start,
    month_end,
    month_label,
    parse_date,
    parse_month,
)
from salesproc.models import User

from .figures import win_rate
from .month_plan import month_plan  # noqa: F401  (one entry point for reads)
from .plan_deals import attach_deals, month_plan_deals  # noqa: F401
from .scope import (
    DEAL_WEIGHT,
    HISTORY_MONTHS,
    MONEY,
    SALES_CYCLE,
    ZERO,
    is_seller,
    ratio,
    report_people,
    resolve_owner,
    resolve_pipeline,
    scoped,
    to_money,
    weighted,
)


def open_stages() -> list[Stage]:
    """Every open stage with its pipeline, in board order (configuration: a few rows)."""
    return list(
        Stage.objects.filter(kind=Stage.Kind.OPEN)
        .select_related("pipeline")
        .order_by("pipeline__order", "pipeline__name", "pipeline_id", "order", "id")
    )


def pipeline_summary(
    *, user: User, owner=None, pipeline=None, close_from=None, close_to=None, stages=None
) -> dict:
    """Open deals per stage: count, amount and weighted amount (amount x probability).

    `stages` (from open_stages()) saves a query when the caller already has them.
    """
    owner = resolve_owner(user=user, owner=owner)
    pipeline = resolve_pipeline(pipeline)
    close_from = parse_date(close_from, field="close_from")
    close_to = parse_date(close_to, field="close_to")
    if close_from and close_to and close_from > close_to:
        raise ValidationError({"close_to": "The end of the close date range is before its start."})

    stages = open_stages() if stages is None else stages
    deals = scoped(Deal.objects, user=user, owner=owner).filter(status=Deal.Status.OPEN)
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
    in_range = Q()
    if close_from:
        in_range &= Q(expected_close_date__gte=close_from)
    if close_to:
        in_range &= Q(expected_close_date__lte=close_to)
    filtered = {"filter": in_range} if in_range else {}
    grouped = {
        row["stage_id"]: row
        for row in deals.order_by()
        .values("stage_id")
        .annotate(
            deal_count=Count("id", **filtered),
            total=Sum("amount", **filtered),
            weighted_total=Sum(DEAL_WEIGHT, **filtered),
            all_open=Count("id"),
        )
    }
    rows = []
    for stage in stages:
        if pipeline is not None and stage.pipeline_id != pipeline.pk:
            continue
        figures = grouped.get(stage.pk)
        if figures is None and not stage.pipeline.is_active:
            continue
        rows.append(
            {
                "id": stage.pk,
                "name": stage.name,
                "pipeline_id": stage.pipeline_id,
                "pipeline": stage.pipeline.name,
                "probability": stage.probability,
                "count": figures["deal_count"] if figures else 0,
                "amount": to_money(figures["total"] if figures else None),
                "weighted_amount": weighted(figures["weighted_total"] if figures else None),
                "weighted_sum": (figures["weighted_total"] or ZERO) if figures else ZERO,
            }
        )
    total = {
        "count": sum(row["count"] for row in rows),
        "amount": to_money(sum((row["amount"] for row in rows), ZERO)),
        # rounded once, after summing: the same figure as the board's and home's
        "weighted_amount": weighted(sum((row.pop("weighted_sum") for row in rows), ZERO)),
    }
    return {
        "owner": owner,
        "pipeline": pipeline,
        "close_from": close_from,
        "close_to": close_to,
        "stages": rows,
        "total": total,
        # every open deal in scope, whatever its close date (pipeline velocity uses it)
        "open_deals": sum(row["all_open"] for row in grouped.values()),
        "stage_list": stages,
    }


def sales_metrics(
    *,
    user: User,
    owner=None,
    pipeline=None,
    months: int = HISTORY_MONTHS,
    today: date | None = None,
    open_deals: int | None = None,
) -> dict:
    """Win rate (by count), average won deal, average sales cycle and pipeline velocity
    over the last `months` full calendar months (before this one: the window of
    figures.win_rate, the one the month plan uses), month by month."""
    today = today or timezone.localdate()
    owner = resolve_owner(user=user, owner=owner)
    pipeline = resolve_pipeline(pipeline)
    if not 1 <= months <= 24:
        raise ValidationError({"months": "Look back between 1 and 24 months."})
    rate = win_rate(
        user=user, owner=owner, pipeline=pipeline, month=today, today=today, months=months
    )
    start, this_month_start = rate.window_start, today.replace(day=1)
    deals = scoped(Deal.objects, user=user, owner=owner)
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
    won_q = Q(status=Deal.Status.WON)
    lost_q = Q(status=Deal.Status.LOST)
    by_month = {
        row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row
        for row in deals.filter(
            status__in=[Deal.Status.WON, Deal.Status.LOST],
            closed_at__gte=day_start(start),
            closed_at__lt=day_start(this_month_start),
        )
        .annotate(month=TruncMonth("closed_at"))
        .order_by()
        .values("month")
        .annotate(
            won=Count("id", filter=won_q),
            lost=Count("id", filter=lost_q),
            won_amount=Sum("amount", filter=won_q),
            cycle=Sum(SALES_CYCLE, filter=won_q),
        )
    }
    if open_deals is None:
        open_deals = deals.filter(status=Deal.Status.OPEN).count()

    rows = []
    won = lost = 0
    won_amount = ZERO
    cycle = timedelta(0)
    for n in range(months):
        month_start = add_months(start, n)
        figures = by_month.get(month_start) or {}
        m_won, m_lost = figures.get("won", 0), figures.get("lost", 0)
        m_cycle = figures.get("cycle") or timedelta(0)
        rows.append(
            {
                "month": month_start.strftime("%Y-%m"),
                "label": month_start.strftime("%b %y"),
                "won": m_won,
                "lost": m_lost,
                "win_rate": ratio(m_won, m_won + m_lost),
                "won_amount": to_money(figures.get("won_amount")),
                "average_cycle_days": _days(m_cycle / m_won) if m_won else None,
            }
        )
        won, lost = won + m_won, lost + m_lost
        won_amount += to_money(figures.get("won_amount"))
        cycle += m_cycle
    # the headline rate is the one definition (same window, same counts as the rows)
    win_rate_value = rate.rate
    average_won = to_money(won_amount / won) if won else None
    average_cycle_days = _days(cycle / won) if won else None
    velocity = None
    if win_rate_value and average_won and average_cycle_days:
        velocity = to_money(
            Decimal(open_deals) * average_won * win_rate_value / Decimal(str(average_cycle_days))
        )
    return {
        "months": rows,
        "window_start": start,
        "window_end": rate.window_end,
        "won": won,
        "lost": lost,
        "closed": won + lost,
        "win_rate": win_rate_value,
        "won_amount": won_amount,
        "average_won_amount": average_won,
        "average_cycle_days": average_cycle_days,
        "open_deals": open_deals,
        "velocity_per_day": velocity,
        "velocity_per_month": to_money(velocity * 30) if velocity is not None else None,
    }


def _days(duration) -> Decimal:
    return (Decimal(duration.total_seconds()) / 86400).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _deal_total(condition):
    """Per-user subquery: the sum of amount of the user's deals matching condition."""
    return Coalesce(
        Subquery(
            Deal.objects.filter(condition, owner=OuterRef("pk"))
            .order_by()
            .values("owner")
            .annotate(total=Sum("amount"))
            .values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def _deal_count(condition):
    return Coalesce(
        Subquery(
            Deal.objects.filter(condition, owner=OuterRef("pk"))
            .order_by()
            .values("owner")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        Value(0),
    )


def _won_in(month_start, pipeline=None):
    condition = Q(
        status=Deal.Status.WON,
        closed_at__gte=day_start(month_start),
        closed_at__lt=day_start(month_end(month_start) + timedelta(days=1)),
    )
    if pipeline is not None:
        condition &= Q(pipeline=pipeline)
    return condition


def attainment(*, user: User, month, pipeline=None) -> list[dict]:
    """Won vs quota per rep for a month (one query)."""
    month_start = parse_month(month)
    pipeline = resolve_pipeline(pipeline)
    won = _won_in(month_start, pipeline)
    people = report_people(user).annotate(
        quota=Subquery(
            Quota.objects.filter(user=OuterRef("pk"), period_start=month_start).values("amount")[
                :1
            ],
            output_field=MONEY,
        ),
        won_amount=_deal_total(won),
        won_count=_deal_count(won),
    )
    rows = []
    for person in people:
        if person.quota is None and not person.won_amount and not is_seller(person):
            continue
        rows.append(
            {
                "user": person,
                "id": person.pk,
                "name": person.display_name,
                "quota": to_money(person.quota) if person.quota is not None else None,
                "won_amount": to_money(person.won_amount),
                "won_count": person.won_count,
                "attainment": ratio(person.won_amount, person.quota) if person.quota else None,
            }
        )
    return rows


def forecast_rollup(*, user: User, month) -> dict:
    """Per rep for a month: quota, won so far, their latest submitted commit and best case,
    and their open pipeline expected to close in the month by forecast category; and
    each visible manager's latest call for their team (`manager_calls`)."""
    month_start = parse_month(month)
    last_day = month_end(month_start)
    Category = Deal.ForecastCategory
    expected = Q(status=Deal.Status.OPEN, expected_close_date__range=(month_start, last_day))
    latest = ForecastSubmission.objects.filter(
        user=OuterRef("pk"), period_start=month_start
    ).order_by("-submitted_at", "-id")
    # one pass over the month's deals, summed per owner ...
    won = _won_in(month_start)
    by_owner = {
        row["owner_id"]: row
        for row in scoped(Deal.objects, user=user, owner=None)
        .filter(expected | won)
        .order_by()
        .values("owner_id")
        .annotate(
            won_amount=Sum("amount", filter=won),
            commit_pipeline=Sum("amount", filter=expected & Q(forecast_category=Category.COMMIT)),
            best_case_pipeline=Sum(
                "amount", filter=expected & Q(forecast_category=Category.BEST_CASE)
            ),
            pipeline_pipeline=Sum(
                "amount", filter=expected & Q(forecast_category=Category.PIPELINE)
            ),
            omitted_pipeline=Sum("amount", filter=expected & Q(forecast_category=Category.OMITTED)),
        )
    }
    # ... and the people with their quota and latest call (index lookups per person)
    people = report_people(user).annotate(
        quota=Subquery(
            Quota.objects.filter(user=OuterRef("pk"), period_start=month_start).values("amount")[
                :1
            ],
            output_field=MONEY,
        ),
        submitted_commit=Subquery(latest.values("commit_amount")[:1], output_field=MONEY),
        submitted_best_case=Subquery(latest.values("best_case_amount")[:1], output_field=MONEY),
        submitted_at=Subquery(latest.values("submitted_at")[:1]),
        submitted_note=Subquery(latest.values("note")[:1]),
    )
    people_list = list(people)
    for person in people_list:
        sums = by_owner.get(person.pk, {})
        for key in (
            "won_amount",
            "commit_pipeline",
            "best_case_pipeline",
            "pipeline_pipeline",
            "omitted_pipeline",
        ):
            setattr(person, key, sums.get(key))
    rows = []
    manager_calls = []
    for person in people_list:
        if person.manages_team and person.submitted_commit is not None:
            # a manager's call is for their team: a row of its own, not one more rep's
            # call in the sum of the reps' calls
            manager_calls.append(
                {
                    "user": person,
                    "id": person.pk,
                    "name": person.display_name,
                    "submitted_commit": to_money(person.submitted_commit),
                    "submitted_best_case": to_money(person.submitted_best_case),
                    "submitted_at": person.submitted_at,
                    "submitted_note": person.submitted_note or "",
                }
            )
            person.submitted_commit = person.submitted_best_case = None
            person.submitted_at, person.submitted_note = None, ""
        figures = {
            "quota": to_money(person.quota) if person.quota is not None else None,
            "won_amount": to_money(person.won_amount),
            "commit_pipeline": to_money(person.commit_pipeline),
            "best_case_pipeline": to_money(person.best_case_pipeline),
            "pipeline_pipeline": to_money(person.pipeline_pipeline),
            "omitted_pipeline": to_money(person.omitted_pipeline),
            "submitted_commit": (
                to_money(person.submitted_commit) if person.submitted_commit is not None else None
            ),
            "submitted_best_case": (
                to_money(person.submitted_best_case)
                if person.submitted_best_case is not None
                else None
            ),
        }
        busy = any(value for value in figures.values())
        if not busy and not is_seller(person):
            continue
        figures["attainment"] = (
            ratio(figures["won_amount"], figures["quota"]) if figures["quota"] else None
        )
        figures["won_and_commit"] = figures["won_amount"] + figures["commit_pipeline"]
        figures["coverage"] = (
            ratio(figures["won_and_commit"], figures["quota"]) if figures["quota"] else None
        )
        rows.append(
            {
                "user": person,
                "id": person.pk,
                "name": person.display_name,
                "submitted_at": person.submitted_at,
                "submitted_note": person.submitted_note or "",
                **figures,
            }
        )
    money_keys = [
        "won_amount",
        "commit_pipeline",
        "best_case_pipeline",
        "pipeline_pipeline",
        "omitted_pipeline",
    ]
    total = {key: to_money(sum((row[key] for row in rows), ZERO)) for key in money_keys}
    for key in ("quota", "submitted_commit", "submitted_best_case"):
        values = [row[key] for row in rows if row[key] is not None]
        total[key] = to_money(sum(values, ZERO)) if values else None
    total["attainment"] = ratio(total["won_amount"], total["quota"]) if total["quota"] else None
    total["won_and_commit"] = total["won_amount"] + total["commit_pipeline"]
    total["coverage"] = ratio(total["won_and_commit"], total["quota"]) if total["quota"] else None
    return {
        "month": month_start.strftime("%Y-%m"),
        "month_label": month_label(month_start),
        "month_start": month_start,
        "month_end": last_day,
        "rows": rows,
        "total": total,
        "manager_calls": manager_calls,
    }


def forecast_deals(*, user: User, month, owner=None):
    """Open deals expected to close in the month: the ones a forecast is made of."""
    month_start = parse_month(month)
    owner = resolve_owner(user=user, owner=owner)
    return (
        scoped(Deal.objects, user=user, owner=owner)
        .filter(
            status=Deal.Status.OPEN,
            expected_close_date__range=(month_start, month_end(month_start)),
        )
        .select_related("owner", "stage", "account")
        .order_by("owner__first_name", "owner__username", "-amount", "id")
    )


def stalled_condition(*, now: datetime | None = None, stages=None) -> Q:
    """Open deals that have sat in a stage longer than the stage's stalled_after_days.

    The limits are per stage (a handful of rows), so the condition is a small OR of
    (stage in [...] and entered before now - limit): index-friendly on every database.
    """
    now = now or timezone.now()
    if stages is None:
        limits = Stage.objects.filter(
            kind=Stage.Kind.OPEN, stalled_after_days__isnull=False
        ).values_list("id", "stalled_after_days")
    else:
        limits = [
            (stage.pk, stage.stalled_after_days)
            for stage in stages
            if stage.kind == Stage.Kind.OPEN and stage.stalled_after_days is not None
        ]
    by_days = {}
    for stage_id, days in limits:
        by_days.setdefault(days, []).append(stage_id)
    condition = Q(pk__in=[])
    for days, stage_ids in by_days.items():
        condition |= Q(stage_id__in=stage_ids, stage_entered_at__lt=now - timedelta(days=days))
    return Q(status=Deal.Status.OPEN) & condition


def stalled_deals(*, user: User, owner=None, now: datetime | None = None, stages=None):
    owner = resolve_owner(user=user, owner=owner)
    return (
        scoped(Deal.objects, user=user, owner=owner)
        .filter(stalled_condition(now=now, stages=stages))
        .select_related("owner", "stage", "account", "pipeline")
        .order_by("stage_entered_at", "id")
    )


def stalled_row(deal, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    days = (now - deal.stage_entered_at).days
    return {
        "deal": deal,
        "days_in_stage": days,
        "limit": deal.stage.stalled_after_days,
        "days_over": days - (deal.stage.stalled_after_days or 0),
    }


def quota_people(user: User):
    """The people whose quotas `user` sets: an admin everyone with a selling role, a
    manager the members of the teams they manage (not themselves)."""
    people = User.objects.filter(is_active=True).select_related("team", "role")
    if user.is_crm_admin:
        return people.filter(role__isnull=False, role__is_admin=False).order_by(
            "team__name", "first_name", "username"
        )
    if user.managed_team_ids:
        return (
            people.filter(team_id__in=user.managed_team_ids)
            .exclude(pk=user.pk)
            .order_by("team__name", "first_name", "username")
        )
    return people.none()


def quota_grid(*, user: User, first_month: date, months: int = 6) -> dict:
    """The people whose quotas `user` sets and their quotas for `months` months (two queries)."""
    first_month = first_month.replace(day=1)
    periods = [add_months(first_month, n) for n in range(months)]
    people = list(quota_people(user))
    quotas = {
        (q.user_id, q.period_start): q
        for q in Quota.objects.visible_to(user).filter(
            user__in=[p.pk for p in people], period_start__in=periods
        )
    }
    return {"people": people, "periods": periods, "quotas": quotas}
