"""The deals behind the month plan, week by week, for the page and the API.

Current and later weeks list the open deals expected to close then; past weeks list the
deals of that week's snapshot, with what became of them; won deals are listed in the
week they were won. Rows are plain dicts (the API's ReportDealSerializer shape).
"""

from datetime import date, timedelta
from functools import lru_cache

from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from deals.models import Deal, PipelineSnapshot
from deals.periods import day_start, month_end, parse_month, week_of, weeks_of_month
from salesproc.models import User

from .month_plan import MonthPlan
from .scope import resolve_owner, scoped


def attach_deals(plan: MonthPlan, deals: dict) -> MonthPlan:
    """Put month_plan_deals' lists on the plan's weeks (the page and the API show both)."""
    for week in plan.weeks:
        week.deals_expected = deals["weeks"][week.index]["expected"]
        week.deals_won = deals["weeks"][week.index]["won"]
    plan.overdue_deals = deals["overdue"]
    plan.deals_truncated = deals["truncated"]
    return plan


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
            week = week_of(weeks, timezone.localtime(deal.closed_at).date())
            if week:
                by_week[week.index]["won"].append(_deal_row(deal))
            continue
        week = week_of(weeks, deal.expected_close_date)
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
