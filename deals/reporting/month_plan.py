"""The month plan: where a month stands week by week, and the input needed to hit the
quota (pipeline to create = gap / the historical win rate).

Past weeks read the pipeline from that week's snapshot (taken on its Monday); the current
and later weeks read the live deals. Won deals are facts: always live.
"""

import math
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from deals.models import Deal, PipelineSnapshot, Quota
from deals.periods import (
    day_start,
    month_end,
    month_label,
    parse_month,
    weeks_of_month,
)
from salesproc.models import User

from .scope import (
    DEAL_WEIGHT,
    HISTORY_MONTHS,
    MONEY,
    SNAPSHOT_WEIGHT,
    ZERO,
    history_window,
    ratio,
    resolve_owner,
    scope_label,
    scoped,
    to_money,
    weighted,
)


def month_plan(
    *, user: User, month, owner=None, today: date | None = None, include_snapshots: bool = True
) -> dict:
    """Where the month stands, week by week, and the input needed to hit the quota.

    Past weeks read the pipeline from that week's snapshot (taken on its Monday); the
    current and later weeks read the live deals. Won deals are facts: always live.
    `include_snapshots=False` skips the past weeks' pipeline (the home widget needs only
    won, quota and gap).
    """
    today = today or timezone.localdate()
    month_start = parse_month(month)
    last_day = month_end(month_start)
    owner = resolve_owner(user=user, owner=owner)
    weeks = weeks_of_month(month_start)
    window_start, window_end = history_window(month_start, today)

    past = [week for week in weeks if week.end < today]
    with_history = bool(past and include_snapshots)

    # 1. one row: the quota of the people in scope, and which past Mondays have a
    # snapshot at all (an empty pipeline is not a missing snapshot)
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
                for week in (past if with_history else [])
            },
        )
        .values()
        .get()
    )
    quota = to_money(header["quota_total"]) if header["quota_count"] else None

    # 2. live deals, summed by what they are to the plan (open or won in the month, won
    # or lost in the history window) and by day: one pass, a few dozen rows back
    open_q = Q(status=Deal.Status.OPEN)
    won_q = Q(status=Deal.Status.WON)
    month_open_q = open_q & Q(expected_close_date__range=(month_start, last_day))
    won_in_month_q = won_q & Q(
        closed_at__gte=day_start(month_start),
        closed_at__lt=day_start(last_day + timedelta(days=1)),
    )
    history_q = Q(closed_at__gte=day_start(window_start), closed_at__lt=day_start(window_end))
    kind = Case(
        When(month_open_q, then=Value("open")),
        When(won_in_month_q, then=Value("won")),
        When(history_q & won_q, then=Value("history_won")),
        When(history_q & Q(status=Deal.Status.LOST), then=Value("history_lost")),
        default=Value("other"),
    )
    day = Case(
        When(month_open_q, then=F("expected_close_date")),
        When(won_in_month_q, then=TruncDate("closed_at")),
        default=Value(None, output_field=DateField()),
    )
    relevant = month_open_q | (
        Q(status__in=[Deal.Status.WON, Deal.Status.LOST])
        & Q(
            closed_at__gte=day_start(min(window_start, month_start)),
            closed_at__lt=day_start(last_day + timedelta(days=1)),
        )
    )
    grouped = (
        scoped(Deal.objects, user=user, owner=owner)
        .filter(relevant)
        .annotate(kind=kind, day=day)
        .order_by()
        .values("kind", "day")
        .annotate(deals=Count("id"), total=Sum("amount"), weighted=Sum(DEAL_WEIGHT))
    )
    live = _fold_live(grouped, weeks=weeks, today=today)

    # 3. the pipeline of past weeks as their snapshots recorded it, summed by snapshot
    # and expected close day
    snapshot = {}
    taken = {week.monday for week in past if header.get(f"taken_{week.index}")}
    if with_history:
        rows = (
            scoped(PipelineSnapshot.objects, user=user, owner=owner)
            .filter(
                week_start__in=[w.monday for w in past],
                expected_close_date__range=(month_start, last_day),
            )
            .order_by()
            .values("week_start", "expected_close_date")
            .annotate(deals=Count("id"), total=Sum("amount"), weighted=Sum(SNAPSHOT_WEIGHT))
        )
        snapshot = _fold_snapshots(rows, past=past)

    week_rows = []
    won_to_date = ZERO
    projected = None
    for week in weeks:
        i = week.index
        if week.end < today:
            state = "past"
        elif week.start > today:
            state = "future"
        else:
            state = "current"
        won_amount = to_money(live[f"won_amount_{i}"])
        won_to_date += won_amount
        row = {
            "index": i,
            "label": week.label,
            "start": week.start,
            "end": week.end,
            "state": state,
            "won_count": live[f"won_count_{i}"],
            "won_amount": won_amount,
            "won_to_date": won_to_date if state != "future" else None,
            "gap_after": (
                max(quota - won_to_date, ZERO) if quota is not None and state != "future" else None
            ),
        }
        if state == "past":
            if week.monday in taken:
                row.update(
                    source="snapshot",
                    snapshot_week=week.monday,
                    expected_count=snapshot[f"count_{i}"],
                    expected_amount=to_money(snapshot[f"amount_{i}"]),
                    weighted_amount=weighted(snapshot[f"weighted_{i}"]),
                    rest_of_month_weighted=weighted(snapshot[f"rest_weighted_{i}"]),
                )
            else:
                row.update(
                    source="missing",
                    snapshot_week=week.monday,
                    expected_count=None,
                    expected_amount=None,
                    weighted_amount=None,
                    rest_of_month_weighted=None,
                )
        else:
            row.update(
                source="live",
                snapshot_week=None,
                expected_count=live[f"open_count_{i}"],
                expected_amount=to_money(live[f"open_amount_{i}"]),
                weighted_amount=weighted(live[f"open_weighted_{i}"]),
                rest_of_month_weighted=weighted(live[f"rest_weighted_{i}"]),
            )
        if state == "past":
            row["projected_won"] = None
        else:
            if projected is None:  # the first week not over: won so far + slipped deals
                projected = won_to_date + weighted(live.get("slipped_weighted"))
            projected += row["weighted_amount"]
            row["projected_won"] = projected
        week_rows.append(row)

    won_amount = won_to_date
    won_count = sum(row["won_count"] for row in week_rows)
    gap = max(quota - won_amount, ZERO) if quota is not None else None

    history_won, history_lost = live["history_won"], live["history_lost"]
    history_closed = history_won + history_lost
    win_rate = ratio(history_won, history_closed)
    average_won = (
        to_money(Decimal(live["history_won_amount"]) / history_won) if history_won else None
    )

    pipeline_to_create, deals_to_win, deals_to_create, note = _input_needed(
        quota=quota, gap=gap, win_rate=win_rate, average_won=average_won, closed=history_closed
    )
    return {
        "month": month_start.strftime("%Y-%m"),
        "month_label": month_label(month_start),
        "month_start": month_start,
        "month_end": last_day,
        "today": today,
        "owner": owner,
        "scope_label": scope_label(user=user, owner=owner),
        "quota": quota,
        "won_count": won_count,
        "won_amount": won_amount,
        "gap": gap,
        "over_quota": max(won_amount - quota, ZERO) if quota is not None else None,
        "attainment": ratio(won_amount, quota) if quota else None,
        "open_count": live["open_count"],
        "open_amount": to_money(live["open_amount"]),
        "weighted_amount": weighted(live["open_weighted"]),
        "projected_amount": won_amount + weighted(live["open_weighted"]),
        "overdue_count": live["overdue_count"],
        "win_rate": {
            "rate": win_rate,
            "basis": "count",
            "won": history_won,
            "lost": history_lost,
            "closed": history_closed,
            "window_start": window_start,
            "window_end": window_end - timedelta(days=1),
            "months": HISTORY_MONTHS,
        },
        "average_won_amount": average_won,
        "pipeline_to_create": pipeline_to_create,
        "deals_to_win": deals_to_win,
        "deals_to_create": deals_to_create,
        "input_note": note,
        "weeks": week_rows,
    }


def _week_index(weeks, day):
    for week in weeks:
        if week.start <= day <= week.end:
            return week.index
    return None


def _fold_live(grouped, *, weeks, today):
    """Lay the database's sums per (kind, day) out into the month plan's weeks."""
    live = dict.fromkeys(
        (
            "open_count",
            "open_amount",
            "open_weighted",
            "overdue_count",
            "history_won",
            "history_lost",
            "history_won_amount",
            "slipped_weighted",
        ),
        0,
    )
    for week in weeks:
        for key in ("open_count", "open_amount", "open_weighted", "won_count", "won_amount"):
            live[f"{key}_{week.index}"] = 0
    first_open_week = next((week for week in weeks if week.end >= today), None)
    for row in grouped:
        kind, day = row["kind"], row["day"]
        deals, total, weighted = row["deals"], row["total"] or 0, row["weighted"] or 0
        if kind == "open":
            i = _week_index(weeks, day)
            live["open_count"] += deals
            live["open_amount"] += total
            live["open_weighted"] += weighted
            live[f"open_count_{i}"] += deals
            live[f"open_amount_{i}"] += total
            live[f"open_weighted_{i}"] += weighted
            if day < today:
                live["overdue_count"] += deals
            if first_open_week is not None and day < first_open_week.start:
                # still open though due in a week already over: it may close yet
                live["slipped_weighted"] += weighted
        elif kind == "won":
            i = _week_index(weeks, day)
            live[f"won_count_{i}"] += deals
            live[f"won_amount_{i}"] += total
        elif kind == "history_won":
            live["history_won"] += deals
            live["history_won_amount"] += total
        elif kind == "history_lost":
            live["history_lost"] += deals
    rest = 0
    for week in reversed(weeks):
        rest += live[f"open_weighted_{week.index}"]
        live[f"rest_weighted_{week.index}"] = rest
    return live


def _fold_snapshots(rows, *, past):
    """Lay the sums per (snapshot week, expected close day) out into the past weeks."""
    by_monday = {week.monday: week for week in past}
    snapshot = {}
    for week in past:
        for key in ("count", "amount", "weighted", "rest_weighted"):
            snapshot[f"{key}_{week.index}"] = 0
    for row in rows:
        week, day = by_monday[row["week_start"]], row["expected_close_date"]
        i = week.index
        if week.start <= day <= week.end:
            snapshot[f"count_{i}"] += row["deals"]
            snapshot[f"amount_{i}"] += row["total"] or 0
            snapshot[f"weighted_{i}"] += row["weighted"] or 0
        if day >= week.start:
            snapshot[f"rest_weighted_{i}"] += row["weighted"] or 0
    return snapshot


def _input_needed(*, quota, gap, win_rate, average_won, closed):
    """Pipeline still to create = gap / historical win rate; in deals at the average won size."""
    if quota is None:
        return None, None, None, "No quota is set for this month, so there is no gap to plan for."
    if gap == 0:
        return ZERO, 0, 0, "The quota is reached: every further win is above target."
    if win_rate is None:
        return (
            None,
            math.ceil(gap / average_won) if average_won else None,
            None,
            f"No deal was won or lost in the last {HISTORY_MONTHS} months, "
            "so there is no win rate to plan with yet.",
        )
    if win_rate == 0:
        return (
            None,
            None,
            None,
            f"None of the {closed} deals closed in the last {HISTORY_MONTHS} months was won: "
            "at a 0% win rate no amount of pipeline closes the gap. Review how deals are lost.",
        )
    pipeline_to_create = to_money(gap / win_rate)
    if not average_won:
        return pipeline_to_create, None, None, ""
    return (
        pipeline_to_create,
        math.ceil(gap / average_won),
        math.ceil(pipeline_to_create / average_won),
        "",
    )


def month_plan_deals(
    *, user: User, month, owner=None, today: date | None = None, limit: int = 150
) -> dict:
    """The deals behind the month plan, for the page and the API (two queries).

    Current and later weeks list the open deals expected to close then; past weeks list
    the deals of that week's snapshot, with what became of them. Won deals are listed in
    the week they were won.
    """
    today = today or timezone.localdate()
    month_start = parse_month(month)
    last_day = month_end(month_start)
    owner = resolve_owner(user=user, owner=owner)
    weeks = weeks_of_month(month_start)
    by_week = {week.index: {"expected": [], "won": []} for week in weeks}
    overdue = []

    def week_of(day):
        for week in weeks:
            if week.start <= day <= week.end:
                return week
        return None

    live = (
        scoped(Deal.objects, user=user, owner=owner)
        .filter(
            Q(status=Deal.Status.OPEN, expected_close_date__range=(month_start, last_day))
            | Q(
                status=Deal.Status.WON,
                closed_at__gte=day_start(month_start),
                closed_at__lt=day_start(last_day + timedelta(days=1)),
            )
        )
        .select_related("owner", "stage", "account")
        .only(*DEAL_ROW_FIELDS)
        # an expression, not the bare column: walking the close-date index in order would
        # visit every deal since the beginning of time to find the won ones
        .order_by(Coalesce("expected_close_date", TruncDate("closed_at")), "-amount", "id")[
            : limit + 1
        ]
    )
    live = list(live)
    truncated = len(live) > limit
    for deal in live[:limit]:
        if deal.status == Deal.Status.WON:
            week = week_of(timezone.localtime(deal.closed_at).date())
            if week:
                by_week[week.index]["won"].append(_deal_row(deal))
            continue
        week = week_of(deal.expected_close_date)
        if deal.expected_close_date < today:
            overdue.append(_deal_row(deal))
        elif week is not None:
            by_week[week.index]["expected"].append(_deal_row(deal))

    past = {week.monday: week for week in weeks if week.end < today}
    if past:
        snapshots = (
            scoped(PipelineSnapshot.objects, user=user, owner=owner)
            .filter(
                week_start__in=list(past),
                expected_close_date__range=(month_start, last_day),
            )
            .select_related("deal", "stage", "owner")
            .only(*SNAPSHOT_ROW_FIELDS)
            .order_by("week_start", "expected_close_date", "-amount", "id")[: limit + 1]
        )
        snapshots = list(snapshots)
        truncated = truncated or len(snapshots) > limit
        for snap in snapshots[:limit]:
            week = past[snap.week_start]
            if week.start <= snap.expected_close_date <= week.end:
                by_week[week.index]["expected"].append(_snapshot_row(snap))
        for week in past.values():
            # a deal expected that week and won in it is listed once, as expected -> won
            lists = by_week[week.index]
            expected_ids = {row["id"] for row in lists["expected"]}
            lists["won"] = [row for row in lists["won"] if row["id"] not in expected_ids]
    return {"weeks": by_week, "overdue": overdue, "truncated": truncated}


PERSON_FIELDS = ("first_name", "last_name", "username")


DEAL_ROW_FIELDS = (
    "id",
    "name",
    "amount",
    "expected_close_date",
    "status",
    "forecast_category",
    "closed_at",
    "stage__name",
    "stage__probability",
    "account__name",
    *(f"owner__{field}" for field in PERSON_FIELDS),
)


SNAPSHOT_ROW_FIELDS = (
    "week_start",
    "deal__name",
    "deal__status",
    "amount",
    "probability",
    "forecast_category",
    "expected_close_date",
    "stage__name",
    *(f"owner__{field}" for field in PERSON_FIELDS),
)


@lru_cache(maxsize=1)
def _deal_url_parts():
    prefix, suffix = reverse("deals:deal_detail", args=[0]).rsplit("0", 1)
    return prefix, suffix


def _deal_url(deal_id):
    """The deal page's address without a reverse() per row (lists of a few hundred)."""
    prefix, suffix = _deal_url_parts()
    return f"{prefix}{deal_id}{suffix}"


def _deal_row(deal):
    return {
        "id": deal.pk,
        "name": deal.name,
        "url": _deal_url(deal.pk),
        "account": deal.account.name,
        "owner": deal.owner.display_name,
        "stage": deal.stage.name,
        "probability": deal.stage.probability,
        "amount": deal.amount,
        "expected_close_date": deal.expected_close_date,
        "status": deal.status,
        "forecast_category": deal.forecast_category,
        "as_of": None,
    }


def _snapshot_row(snap):
    return {
        "id": snap.deal_id,
        "name": snap.deal.name,
        "url": _deal_url(snap.deal_id),
        "account": "",
        "owner": snap.owner.display_name,
        "stage": snap.stage.name,
        "probability": snap.probability,
        "amount": snap.amount,
        "expected_close_date": snap.expected_close_date,
        "status": snap.deal.status,
        "forecast_category": snap.forecast_category,
        "as_of": snap.week_start,
    }
