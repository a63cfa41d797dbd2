"""Reads of deal reporting: the month plan, pipeline by stage, forecast roll-up,
attainment, win rate, sales cycle, pipeline velocity and stalled deals.

Every figure is summed by the database (conditional aggregates, one query per block);
Python only divides totals and lays the results out. Every selector starts from
`visible_to(user)`: a rep sees their own deals, a manager their team's, an admin all.
"""

import calendar
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.urls import reverse
from django.utils import timezone

from salesproc.models import Team, User, users_visible_to

from .models import Deal, ForecastSubmission, Pipeline, PipelineSnapshot, Quota, Stage

HISTORY_MONTHS = 6  # the win rate and average won deal size look this far back
CENT = Decimal("0.01")
ZERO = Decimal("0")
MONEY = DecimalField(max_digits=20, decimal_places=2)

# amount x probability (percent); divided by 100 once the database has summed it
DEAL_WEIGHT = ExpressionWrapper(F("amount") * F("stage__probability"), output_field=MONEY)
SNAPSHOT_WEIGHT = ExpressionWrapper(F("amount") * F("probability"), output_field=MONEY)
SALES_CYCLE = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())


# -- periods ---------------------------------------------------------------------------


def parse_month(value, *, field="month") -> date:
    """'2025-06' -> date(2025, 6, 1). Anything else is a ValidationError on `field`."""
    if isinstance(value, date):
        return value.replace(day=1)
    text = (value or "").strip()
    try:
        year_text, month_text = text.split("-")
        if len(year_text) != 4 or len(month_text) != 2:
            raise ValueError
        year, month = int(year_text), int(month_text)
        if not 2000 <= year <= 2100:
            raise ValueError
        return date(year, month, 1)
    except ValueError:
        raise ValidationError(
            {field: f"Give a month as YYYY-MM, for example 2025-06 (not “{text[:20]}”)."}
        )


def parse_date(value, *, field) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: "Give a date as YYYY-MM-DD, for example 2025-06-30."})


def month_end(month_start: date) -> date:
    return month_start.replace(day=calendar.monthrange(month_start.year, month_start.month)[1])


def add_months(month_start: date, months: int) -> date:
    index = month_start.year * 12 + month_start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the CRM's time zone (closed_at is a datetime)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def month_label(month_start: date) -> str:
    return month_start.strftime("%B %Y")


@dataclass(frozen=True)
class Week:
    """A Monday-based week of a month, clipped to the month."""

    index: int
    start: date
    end: date

    @property
    def monday(self) -> date:
        """The week's Monday: the day its pipeline snapshot is taken (may be last month)."""
        return monday_of(self.start)

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start.day} {self.start:%b}"
        return f"{self.start.day}–{self.end.day} {self.end:%b}"


def weeks_of_month(month_start: date) -> list[Week]:
    weeks, start, last = [], month_start, month_end(month_start)
    while start <= last:
        end = min(start + timedelta(days=6 - start.weekday()), last)
        weeks.append(Week(index=len(weeks) + 1, start=start, end=end))
        start = end + timedelta(days=1)
    return weeks


def _money(value) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(CENT, ROUND_HALF_UP)


def _weighted(value) -> Decimal:
    """A summed amount x probability back to money."""
    return _money((Decimal(value) if value is not None else ZERO) / 100)


def _ratio(part, whole):
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


# -- scope: whose deals ------------------------------------------------------------------


def resolve_owner(*, user: User, owner) -> User | None:
    """The rep a report is narrowed to, among the people `user` may see; None for all."""
    if owner in (None, ""):
        return None
    if isinstance(owner, User):
        # the same rule as users_visible_to, without a query for a user already loaded
        if (
            owner.pk == user.pk
            or user.is_crm_admin
            or (owner.is_active and owner.team_id in user.managed_team_ids)
        ):
            return owner
        raise ValidationError({"owner": "No such rep among the people you can see."})
    try:
        owner_id = int(owner)
    except (TypeError, ValueError):
        raise ValidationError({"owner": "Give the id of a rep."})
    if owner_id == user.pk:
        return user
    found = users_visible_to(user).filter(pk=owner_id).first()
    if found is None:
        raise ValidationError({"owner": "No such rep among the people you can see."})
    return found


def resolve_pipeline(pipeline) -> Pipeline | None:
    if pipeline in (None, ""):
        return None
    if isinstance(pipeline, Pipeline):
        return pipeline
    try:
        found = Pipeline.objects.filter(pk=int(pipeline)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationError({"pipeline": "No such pipeline."})
    return found


def scope_label(*, user: User, owner: User | None) -> str:
    if owner is not None:
        return "You" if owner.pk == user.pk else owner.display_name
    if user.is_crm_admin:
        return "Everyone"
    if user.managed_team_ids:
        return "Your team"
    return "You"


def _scoped(queryset, *, user, owner, owner_field="owner"):
    queryset = queryset.visible_to(user)
    if owner is not None:
        queryset = queryset.filter(**{f"{owner_field}_id": owner.pk})
    return queryset


def history_window(month_start: date, today: date) -> tuple[date, date]:
    """The months the win rate is read from: the HISTORY_MONTHS full months before the
    planned month (for a future month, before the current one)."""
    end = min(month_start, today.replace(day=1))
    return add_months(end, -HISTORY_MONTHS), end


# -- month plan ----------------------------------------------------------------------------


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
        _scoped(Quota.objects, user=user, owner=owner, owner_field="user")
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
    quota = _money(header["quota_total"]) if header["quota_count"] else None

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
        _scoped(Deal.objects, user=user, owner=owner)
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
            _scoped(PipelineSnapshot.objects, user=user, owner=owner)
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
        won_amount = _money(live[f"won_amount_{i}"])
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
                    expected_amount=_money(snapshot[f"amount_{i}"]),
                    weighted_amount=_weighted(snapshot[f"weighted_{i}"]),
                    rest_of_month_weighted=_weighted(snapshot[f"rest_weighted_{i}"]),
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
                expected_amount=_money(live[f"open_amount_{i}"]),
                weighted_amount=_weighted(live[f"open_weighted_{i}"]),
                rest_of_month_weighted=_weighted(live[f"rest_weighted_{i}"]),
            )
        if state == "past":
            row["projected_won"] = None
        else:
            if projected is None:  # the first week not over: won so far + slipped deals
                projected = won_to_date + _weighted(live.get("slipped_weighted"))
            projected += row["weighted_amount"]
            row["projected_won"] = projected
        week_rows.append(row)

    won_amount = won_to_date
    won_count = sum(row["won_count"] for row in week_rows)
    gap = max(quota - won_amount, ZERO) if quota is not None else None

    history_won, history_lost = live["history_won"], live["history_lost"]
    history_closed = history_won + history_lost
    win_rate = _ratio(history_won, history_closed)
    average_won = _money(Decimal(live["history_won_amount"]) / history_won) if history_won else None

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
        "attainment": _ratio(won_amount, quota) if quota else None,
        "open_count": live["open_count"],
        "open_amount": _money(live["open_amount"]),
        "weighted_amount": _weighted(live["open_weighted"]),
        "projected_amount": won_amount + _weighted(live["open_weighted"]),
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
    pipeline_to_create = _money(gap / win_rate)
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
        _scoped(Deal.objects, user=user, owner=owner)
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
            _scoped(PipelineSnapshot.objects, user=user, owner=owner)
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


# -- pipeline by stage -----------------------------------------------------------------------


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
    deals = _scoped(Deal.objects, user=user, owner=owner).filter(status=Deal.Status.OPEN)
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
                "amount": _money(figures["total"] if figures else None),
                "weighted_amount": _weighted(figures["weighted_total"] if figures else None),
            }
        )
    total = {
        "count": sum(row["count"] for row in rows),
        "amount": _money(sum((row["amount"] for row in rows), ZERO)),
        "weighted_amount": _money(sum((row["weighted_amount"] for row in rows), ZERO)),
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


# -- win rate, sales cycle, velocity, attainment ----------------------------------------------


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
    over the last `months` calendar months (this one included), month by month."""
    today = today or timezone.localdate()
    owner = resolve_owner(user=user, owner=owner)
    pipeline = resolve_pipeline(pipeline)
    if not 1 <= months <= 24:
        raise ValidationError({"months": "Look back between 1 and 24 months."})
    start = add_months(today.replace(day=1), -(months - 1))
    deals = _scoped(Deal.objects, user=user, owner=owner)
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
    won_q = Q(status=Deal.Status.WON)
    lost_q = Q(status=Deal.Status.LOST)
    by_month = {
        row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row
        for row in deals.filter(
            status__in=[Deal.Status.WON, Deal.Status.LOST], closed_at__gte=day_start(start)
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
                "win_rate": _ratio(m_won, m_won + m_lost),
                "won_amount": _money(figures.get("won_amount")),
                "average_cycle_days": _days(m_cycle / m_won) if m_won else None,
            }
        )
        won, lost = won + m_won, lost + m_lost
        won_amount += _money(figures.get("won_amount"))
        cycle += m_cycle
    win_rate = _ratio(won, won + lost)
    average_won = _money(won_amount / won) if won else None
    average_cycle_days = _days(cycle / won) if won else None
    velocity = None
    if win_rate and average_won and average_cycle_days:
        velocity = _money(
            Decimal(open_deals) * average_won * win_rate / Decimal(str(average_cycle_days))
        )
    return {
        "months": rows,
        "window_start": start,
        "won": won,
        "lost": lost,
        "closed": won + lost,
        "win_rate": win_rate,
        "won_amount": won_amount,
        "average_won_amount": average_won,
        "average_cycle_days": average_cycle_days,
        "open_deals": open_deals,
        "velocity_per_day": velocity,
        "velocity_per_month": _money(velocity * 30) if velocity is not None else None,
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


def _people(user):
    """The people in a report: those `user` may see, with whether they manage a team."""
    return users_visible_to(user).annotate(
        manages_team=Exists(Team.objects.filter(manager=OuterRef("pk")))
    )


def _is_seller(person) -> bool:
    return not (person.manages_team or person.is_crm_admin)


def attainment(*, user: User, month, pipeline=None) -> list[dict]:
    """Won vs quota per rep for a month (one query)."""
    month_start = parse_month(month)
    pipeline = resolve_pipeline(pipeline)
    won = _won_in(month_start, pipeline)
    people = _people(user).annotate(
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
        if person.quota is None and not person.won_amount and not _is_seller(person):
            continue
        rows.append(
            {
                "user": person,
                "id": person.pk,
                "name": person.display_name,
                "quota": _money(person.quota) if person.quota is not None else None,
                "won_amount": _money(person.won_amount),
                "won_count": person.won_count,
                "attainment": _ratio(person.won_amount, person.quota) if person.quota else None,
            }
        )
    return rows


# -- forecast ------------------------------------------------------------------------------------


def forecast_rollup(*, user: User, month) -> dict:
    """Per rep for a month: quota, won so far, their latest submitted commit and best case,
    and their open pipeline expected to close in the month by forecast category."""
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
        for row in _scoped(Deal.objects, user=user, owner=None)
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
    people = _people(user).annotate(
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
    for person in people_list:
        figures = {
            "quota": _money(person.quota) if person.quota is not None else None,
            "won_amount": _money(person.won_amount),
            "commit_pipeline": _money(person.commit_pipeline),
            "best_case_pipeline": _money(person.best_case_pipeline),
            "pipeline_pipeline": _money(person.pipeline_pipeline),
            "omitted_pipeline": _money(person.omitted_pipeline),
            "submitted_commit": (
                _money(person.submitted_commit) if person.submitted_commit is not None else None
            ),
            "submitted_best_case": (
                _money(person.submitted_best_case)
                if person.submitted_best_case is not None
                else None
            ),
        }
        busy = any(value for value in figures.values())
        if not busy and not _is_seller(person):
            continue
        figures["attainment"] = (
            _ratio(figures["won_amount"], figures["quota"]) if figures["quota"] else None
        )
        figures["won_and_commit"] = figures["won_amount"] + figures["commit_pipeline"]
        figures["coverage"] = (
            _ratio(figures["won_and_commit"], figures["quota"]) if figures["quota"] else None
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
    total = {key: _money(sum((row[key] for row in rows), ZERO)) for key in money_keys}
    for key in ("quota", "submitted_commit", "submitted_best_case"):
        values = [row[key] for row in rows if row[key] is not None]
        total[key] = _money(sum(values, ZERO)) if values else None
    total["attainment"] = _ratio(total["won_amount"], total["quota"]) if total["quota"] else None
    total["won_and_commit"] = total["won_amount"] + total["commit_pipeline"]
    total["coverage"] = _ratio(total["won_and_commit"], total["quota"]) if total["quota"] else None
    return {
        "month": month_start.strftime("%Y-%m"),
        "month_label": month_label(month_start),
        "month_start": month_start,
        "month_end": last_day,
        "rows": rows,
        "total": total,
    }


def forecast_deals(*, user: User, month, owner=None):
    """Open deals expected to close in the month: the ones a forecast is made of."""
    month_start = parse_month(month)
    owner = resolve_owner(user=user, owner=owner)
    return (
        _scoped(Deal.objects, user=user, owner=owner)
        .filter(
            status=Deal.Status.OPEN,
            expected_close_date__range=(month_start, month_end(month_start)),
        )
        .select_related("owner", "stage", "account")
        .order_by("owner__first_name", "owner__username", "-amount", "id")
    )


# -- stalled deals ------------------------------------------------------------------------------


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
        _scoped(Deal.objects, user=user, owner=owner)
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


# -- quotas --------------------------------------------------------------------------------------


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
