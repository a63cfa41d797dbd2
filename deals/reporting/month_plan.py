"""The month plan: where a month stands week by week, and the input needed to hit the
quota (pipeline to create = gap / the historical win rate).

Past weeks read the pipeline from that week's snapshot (taken on its Monday); the current
and later weeks read the live deals. Won deals are facts: always live.

`month_plan` returns a `MonthPlan` built by a few small steps: the header (quota and
which snapshots exist), the live deals summed per (kind, day) and folded into `Tally`s
per week, the snapshots folded likewise, then one `PlanWeek` per week and the
`InputNeeded`. The page, the home widget and the API read the same dataclasses (the API
keeps its JSON field names: they are the dataclass fields).
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DateField, F, Q, Subquery, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from deals.models import Deal, PipelineSnapshot, Quota
from deals.periods import (
    Week,
    day_start,
    month_end,
    month_label,
    parse_month,
    week_of,
    weeks_of_month,
)
from salesproc.models import User

from .figures import WinRate
from .figures import win_rate as win_rate_over
from .scope import (
    DEAL_WEIGHT,
    HISTORY_MONTHS,
    MONEY,
    SNAPSHOT_WEIGHT,
    ZERO,
    ratio,
    resolve_owner,
    scope_label,
    scoped,
    to_money,
    weighted,
)

# -- what the plan is made of ------------------------------------------------------------------


@dataclass
class Tally:
    """Deals summed by the database: how many, their amount, and amount x probability
    (the percent not yet divided out; `weighted()` turns it into money)."""

    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO

    def add(self, *, count, amount, weighted_sum):
        self.count += count
        self.amount += amount or 0
        self.weighted += weighted_sum or 0


@dataclass
class LiveWeek:
    """One week as the live deals have it: open deals due then, deals won in it, and the
    weighted open pipeline due from this week to the month's end."""

    open: Tally = field(default_factory=Tally)
    won: Tally = field(default_factory=Tally)
    rest_weighted: Decimal = ZERO


@dataclass
class LiveFigures:
    """The live deals of the plan: the month's open pipeline, per week, and history."""

    weeks: dict[int, LiveWeek]
    open: Tally = field(default_factory=Tally)
    overdue_count: int = 0
    slipped_weighted: Decimal = ZERO  # due in a week already over, still open


@dataclass
class SnapshotWeek:
    """A past week as its Monday snapshot recorded it."""

    due: Tally = field(default_factory=Tally)
    rest_weighted: Decimal = ZERO


@dataclass(frozen=True)
class InputNeeded:
    pipeline_to_create: Decimal | None = None
    deals_to_win: int | None = None
    deals_to_create: int | None = None
    note: str = ""


@dataclass
class PlanWeek:
    index: int
    label: str
    start: date
    end: date
    state: str  # past, current or future
    source: str  # snapshot, live or missing
    snapshot_week: date | None
    expected_count: int | None
    expected_amount: Decimal | None
    weighted_amount: Decimal | None
    rest_of_month_weighted: Decimal | None
    won_count: int
    won_amount: Decimal
    won_to_date: Decimal | None
    gap_after: Decimal | None
    projected_won: Decimal | None = None
    deals_expected: list[dict] = field(default_factory=list)
    deals_won: list[dict] = field(default_factory=list)


@dataclass
class MonthPlan:
    month: str
    month_label: str
    month_start: date
    month_end: date
    today: date
    owner: User | None
    scope_label: str
    quota: Decimal | None
    won_count: int
    won_amount: Decimal
    gap: Decimal | None
    over_quota: Decimal | None
    attainment: Decimal | None
    open_count: int
    open_amount: Decimal
    weighted_amount: Decimal
    projected_amount: Decimal
    overdue_count: int
    win_rate: WinRate
    average_won_amount: Decimal | None
    pipeline_to_create: Decimal | None
    deals_to_win: int | None
    deals_to_create: int | None
    input_note: str
    weeks: list[PlanWeek]
    overdue_deals: list[dict] = field(default_factory=list)
    deals_truncated: bool = False


# -- the plan ------------------------------------------------------------------------------------


def month_plan(
    *, user: User, month, owner=None, today: date | None = None, include_snapshots: bool = True
) -> MonthPlan:
    """Where the month stands, week by week, and the input needed to hit the quota.

    `include_snapshots=False` skips the past weeks' pipeline (the home widget needs only
    won, quota and gap).
    """
    today = today or timezone.localdate()
    month_start = parse_month(month)
    owner = resolve_owner(user=user, owner=owner)
    weeks = weeks_of_month(month_start)
    past = [week for week in weeks if week.end < today] if include_snapshots else []

    quota, taken = _quota_and_snapshots_taken(
        user=user, owner=owner, month_start=month_start, past=past
    )
    live = _live_figures(
        user=user,
        owner=owner,
        month_start=month_start,
        weeks=weeks,
        today=today,
    )
    snapshots = _snapshot_weeks(user=user, owner=owner, month_start=month_start, past=past)
    plan_weeks = _plan_weeks(
        weeks, today=today, quota=quota, live=live, snapshots=snapshots, taken=taken
    )

    won_amount = sum((week.won_amount for week in plan_weeks), ZERO)
    gap = max(quota - won_amount, ZERO) if quota is not None else None
    # the one win rate every page shows (figures.win_rate), over the same window
    win_rate = win_rate_over(user=user, owner=owner, month=month_start, today=today)
    closed = win_rate.closed
    average_won = to_money(win_rate.won_amount / win_rate.won) if win_rate.won else None
    needed = input_needed(
        quota=quota, gap=gap, win_rate=win_rate.rate, average_won=average_won, closed=closed
    )
    return MonthPlan(
        month=month_start.strftime("%Y-%m"),
        month_label=month_label(month_start),
        month_start=month_start,
        month_end=month_end(month_start),
        today=today,
        owner=owner,
        scope_label=scope_label(user=user, owner=owner),
        quota=quota,
        won_count=sum(week.won_count for week in plan_weeks),
        won_amount=won_amount,
        gap=gap,
        over_quota=max(won_amount - quota, ZERO) if quota is not None else None,
        attainment=ratio(won_amount, quota) if quota else None,
        open_count=live.open.count,
        open_amount=to_money(live.open.amount),
        weighted_amount=weighted(live.open.weighted),
        projected_amount=won_amount + weighted(live.open.weighted),
        overdue_count=live.overdue_count,
        win_rate=win_rate,
        average_won_amount=average_won,
        pipeline_to_create=needed.pipeline_to_create,
        deals_to_win=needed.deals_to_win,
        deals_to_create=needed.deals_to_create,
        input_note=needed.note,
        weeks=plan_weeks,
    )


def _quota_and_snapshots_taken(*, user, owner, month_start, past) -> tuple[Decimal | None, set]:
    """One row: the quota of the people in scope, and which past Mondays have a snapshot
    at all (an empty pipeline is not a missing snapshot)."""
    quotas = (
        scoped(Quota.objects, user=user, owner=owner, owner_field="user")
        .filter(period_start=month_start)
        .order_by()
        .values("period_start")
    )
    header = (
        User.objects.filter(pk=user.pk)
        .annotate(
            quota_total=Subquery(
                quotas.annotate(total=Sum("amount")).values("total")[:1], output_field=MONEY
            ),
            quota_count=Subquery(quotas.annotate(n=Count("id")).values("n")[:1]),
            **{
                # ordered by the unique (week_start, deal) index, so the lookup is an
                # index probe rather than a scan that stops at the first match
                f"taken_{week.index}": Subquery(
                    PipelineSnapshot.objects.filter(week_start=week.monday)
                    .order_by("deal_id")
                    .values("week_start")[:1]
                )
                for week in past
            },
        )
        .values()
        .get()
    )
    quota = to_money(header["quota_total"]) if header["quota_count"] else None
    return quota, {week.monday for week in past if header.get(f"taken_{week.index}")}


def _live_figures(*, user, owner, month_start, weeks, today) -> LiveFigures:
    """Live deals, summed by what they are to the plan (open or won in the month) and by
    day: one pass, a few dozen rows back. (The win rate is figures.win_rate.)"""
    last_day = month_end(month_start)
    open_q = Q(status=Deal.Status.OPEN)
    won_q = Q(status=Deal.Status.WON)
    month_open_q = open_q & Q(expected_close_date__range=(month_start, last_day))
    won_in_month_q = won_q & Q(
        closed_at__gte=day_start(month_start),
        closed_at__lt=day_start(last_day + timedelta(days=1)),
    )
    kind = Case(
        When(month_open_q, then=Value("open")),
        When(won_in_month_q, then=Value("won")),
        default=Value("other"),
    )
    day = Case(
        When(month_open_q, then=F("expected_close_date")),
        When(won_in_month_q, then=TruncDate("closed_at")),
        default=Value(None, output_field=DateField()),
    )
    relevant = month_open_q | won_in_month_q
    grouped = (
        scoped(Deal.objects, user=user, owner=owner)
        .filter(relevant)
        .annotate(kind=kind, day=day)
        .order_by()
        .values("kind", "day")
        .annotate(deals=Count("id"), total=Sum("amount"), weighted=Sum(DEAL_WEIGHT))
    )
    return _fold_live(grouped, weeks=weeks, today=today)


def _fold_live(grouped, *, weeks: list[Week], today: date) -> LiveFigures:
    """Lay the database's sums per (kind, day) out into the month plan's weeks."""
    live = LiveFigures(weeks={week.index: LiveWeek() for week in weeks})
    first_open_week = next((week for week in weeks if week.end >= today), None)
    for row in grouped:
        kind, day = row["kind"], row["day"]
        sums = {"count": row["deals"], "amount": row["total"], "weighted_sum": row["weighted"]}
        if kind == "open":
            live.open.add(**sums)
            live.weeks[week_of(weeks, day).index].open.add(**sums)
            if day < today:
                live.overdue_count += row["deals"]
            if first_open_week is not None and day < first_open_week.start:
                # still open though due in a week already over: it may close yet
                live.slipped_weighted += row["weighted"] or 0
        elif kind == "won":
            live.weeks[week_of(weeks, day).index].won.add(**sums)
    rest = ZERO
    for week in reversed(weeks):
        rest += live.weeks[week.index].open.weighted
        live.weeks[week.index].rest_weighted = rest
    return live


def _snapshot_weeks(*, user, owner, month_start, past) -> dict[int, SnapshotWeek]:
    """The pipeline of past weeks as their snapshots recorded it, summed by snapshot and
    expected close day."""
    if not past:
        return {}
    rows = (
        scoped(PipelineSnapshot.objects, user=user, owner=owner)
        .filter(
            week_start__in=[w.monday for w in past],
            expected_close_date__range=(month_start, month_end(month_start)),
        )
        .order_by()
        .values("week_start", "expected_close_date")
        .annotate(deals=Count("id"), total=Sum("amount"), weighted=Sum(SNAPSHOT_WEIGHT))
    )
    return _fold_snapshots(rows, past=past)


def _fold_snapshots(rows, *, past: list[Week]) -> dict[int, SnapshotWeek]:
    """Lay the sums per (snapshot week, expected close day) out into the past weeks."""
    by_monday = {week.monday: week for week in past}
    snapshot = {week.index: SnapshotWeek() for week in past}
    for row in rows:
        week, day = by_monday[row["week_start"]], row["expected_close_date"]
        figures = snapshot[week.index]
        if week.start <= day <= week.end:
            figures.due.add(count=row["deals"], amount=row["total"], weighted_sum=row["weighted"])
        if day >= week.start:
            figures.rest_weighted += row["weighted"] or 0
    return snapshot


def _week_state(week: Week, today: date) -> str:
    if week.end < today:
        return "past"
    return "future" if week.start > today else "current"


def _plan_weeks(weeks, *, today, quota, live, snapshots, taken) -> list[PlanWeek]:
    """One row per week: won and the pipeline due, with the running totals."""
    rows = []
    won_to_date = ZERO
    projected = None
    for week in weeks:
        state = _week_state(week, today)
        this_week = live.weeks[week.index]
        won_amount = to_money(this_week.won.amount)
        won_to_date += won_amount
        if state != "past":
            due = this_week.open
            source, snapshot_week, rest = "live", None, weighted(this_week.rest_weighted)
        elif week.monday in taken:
            figures = snapshots[week.index]
            due, rest = figures.due, weighted(figures.rest_weighted)
            source, snapshot_week = "snapshot", week.monday
        else:
            due, source, snapshot_week, rest = None, "missing", week.monday, None
        row = PlanWeek(
            index=week.index,
            label=week.label,
            start=week.start,
            end=week.end,
            state=state,
            source=source,
            snapshot_week=snapshot_week,
            expected_count=due.count if due else None,
            expected_amount=to_money(due.amount) if due else None,
            weighted_amount=weighted(due.weighted) if due else None,
            rest_of_month_weighted=rest,
            won_count=this_week.won.count,
            won_amount=won_amount,
            won_to_date=won_to_date if state != "future" else None,
            gap_after=(
                max(quota - won_to_date, ZERO) if quota is not None and state != "future" else None
            ),
        )
        if state != "past":
            if projected is None:  # the first week not over: won so far + slipped deals
                projected = won_to_date + weighted(live.slipped_weighted)
            projected += row.weighted_amount
            row.projected_won = projected
        rows.append(row)
    return rows


def input_needed(*, quota, gap, win_rate, average_won, closed) -> InputNeeded:
    """Pipeline still to create = gap / historical win rate; in deals at the average won
    size, rounded up (a part of a deal is still a deal to find)."""
    if quota is None:
        return InputNeeded(note="No quota is set for this month, so there is no gap to plan for.")
    if gap == 0:
        return InputNeeded(
            pipeline_to_create=ZERO,
            deals_to_win=0,
            deals_to_create=0,
            note="The quota is reached: every further win is above target.",
        )
    if win_rate is None:
        return InputNeeded(
            deals_to_win=math.ceil(gap / average_won) if average_won else None,
            note=f"No deal was won or lost in the last {HISTORY_MONTHS} months, "
            "so there is no win rate to plan with yet.",
        )
    if win_rate == 0:
        return InputNeeded(
            note=f"None of the {closed} deals closed in the last {HISTORY_MONTHS} months was "
            "won: at a 0% win rate no amount of pipeline closes the gap. Review how deals are "
            "lost."
        )
    pipeline_to_create = to_money(gap / win_rate)
    if not average_won:
        return InputNeeded(pipeline_to_create=pipeline_to_create)
    return InputNeeded(
        pipeline_to_create=pipeline_to_create,
        deals_to_win=math.ceil(gap / average_won),
        deals_to_create=math.ceil(pipeline_to_create / average_won),
    )
