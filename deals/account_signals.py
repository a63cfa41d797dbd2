"""What deals tells account management: won revenue over the last 12 months and the open
pipeline as figures on My accounts, and the revenue trend, the open pipeline, renewals due
and recent losses as health signals. Each is one query for a whole list or batch of
accounts."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import Account
from salesproc.registry import (
    AccountMeasure,
    HealthSignal,
    PlanRevenue,
    register_account_measure,
    register_health_signal,
    register_plan_revenue,
)

from .models import Deal
from .selectors import account_product_gap

LOST_WINDOW_DAYS = 90
RENEWAL_WINDOW_DAYS = 90
ZERO = Decimal("0")


def _sum_subquery(deals):
    return Subquery(
        deals.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def annotate_won_revenue(queryset, *, today: date):
    since = today - timedelta(days=365)
    won = Deal.objects.filter(status=Deal.Status.WON, closed_at__date__gt=since)
    return queryset.annotate(won_revenue_12m=Coalesce(_sum_subquery(won), ZERO))


def annotate_open_pipeline(queryset, *, today: date):
    open_deals = Deal.objects.filter(status=Deal.Status.OPEN)
    return queryset.annotate(open_pipeline=Coalesce(_sum_subquery(open_deals), ZERO))


def annotate_next_renewal(queryset, *, today: date):
    """The expected close date of the account's next open renewal (overdue ones first)."""
    renewals = (
        Deal.objects.filter(
            account=OuterRef("pk"),
            status=Deal.Status.OPEN,
            deal_type=Deal.Type.RENEWAL,
            expected_close_date__isnull=False,
        )
        .order_by()
        .values("account")
        .annotate(next=Min("expected_close_date"))
        .values("next")
    )
    return queryset.annotate(next_renewal=Subquery(renewals))


def revenue_trend(*, account_ids: list[int], today: date) -> dict[int, dict]:
    """{account_id: {"last": won in the last 12 months, "before": the 12 before}}."""
    year_ago, two_years_ago = today - timedelta(days=365), today - timedelta(days=730)
    rows = (
        Deal.objects.filter(
            account_id__in=account_ids, status=Deal.Status.WON, closed_at__date__gt=two_years_ago
        )
        .values("account_id")
        .annotate(
            last=Sum("amount", filter=Q(closed_at__date__gt=year_ago)),
            before=Sum("amount", filter=Q(closed_at__date__lte=year_ago)),
        )
    )
    return {
        row["account_id"]: {
            "last": float(row["last"] or 0),
            "before": float(row["before"] or 0),
        }
        for row in rows
    }


def score_revenue_trend(value, *, weight: int):
    if not value or not value["before"]:
        return 0, "No won revenue in the 12 months before to compare with"
    last, before = value["last"], value["before"]
    if last >= before:
        return 0, f"Won {last:,.0f} in the last 12 months against {before:,.0f} the 12 before"
    return (
        -weight * (1 - last / before),
        f"Won {last:,.0f} in the last 12 months against {before:,.0f} the 12 before",
    )


def deals_lost_recently(*, account_ids: list[int], today: date) -> dict[int, int]:
    since = today - timedelta(days=LOST_WINDOW_DAYS)
    rows = (
        Deal.objects.filter(
            account_id__in=account_ids, status=Deal.Status.LOST, closed_at__date__gt=since
        )
        .values("account_id")
        .annotate(lost=Count("id"))
    )
    return {row["account_id"]: row["lost"] for row in rows}


def score_deals_lost_recently(value, *, weight: int):
    if not value:
        return 0, f"No deal lost in the last {LOST_WINDOW_DAYS} days"
    # one loss costs half the weight, two or more all of it
    return -weight * min(
        1, value / 2
    ), f"{value} deal{'s' if value > 1 else ''} lost in the last {LOST_WINDOW_DAYS} days"


def open_pipeline(*, account_ids: list[int], today: date) -> dict[int, float]:
    """{account_id: the amount of its open deals}; an account without one is missing."""
    rows = (
        Deal.objects.filter(account_id__in=account_ids, status=Deal.Status.OPEN)
        .values("account_id")
        .annotate(total=Sum("amount"))
    )
    return {row["account_id"]: float(row["total"] or 0) for row in rows}


def score_open_pipeline(value, *, weight: int):
    if not value:
        return -weight, "No open pipeline"
    return 0, f"Open pipeline {value:,.0f}"


def renewals_due(*, account_ids: list[int], today: date) -> dict[int, dict]:
    """{account_id: {"due": open renewals expected to close by today + 90 days (overdue
    ones included), "progress": their average stage probability in percent}}."""
    rows = (
        Deal.objects.filter(
            account_id__in=account_ids,
            status=Deal.Status.OPEN,
            deal_type=Deal.Type.RENEWAL,
            expected_close_date__lte=today + timedelta(days=RENEWAL_WINDOW_DAYS),
        )
        .values("account_id")
        .annotate(due=Count("id"), progress=Avg("stage__probability"))
    )
    return {
        row["account_id"]: {"due": row["due"], "progress": round(float(row["progress"] or 0))}
        for row in rows
    }


def score_renewals_due(value, *, weight: int):
    """A renewal due soon costs what is still missing to close it: the whole weight at
    0 % along, nothing at 100 %."""
    if not value:
        return 0, f"No renewal due in the next {RENEWAL_WINDOW_DAYS} days"
    due, progress = value["due"], value["progress"]
    renewals = "renewal" if due == 1 else "renewals"
    return (
        -weight * (100 - progress) / 100,
        f"{due} {renewals} due in the next {RENEWAL_WINDOW_DAYS} days, {progress} % along",
    )


def plan_revenue(*, account_id: int, start: date | None, end: date | None) -> dict:
    """Won revenue and renewals within an account plan's period, and the whitespace
    (active products the account has not bought, as the account page's gap shows):
    three queries, two when the period is unknown."""
    _, not_bought = account_product_gap(account=Account(pk=account_id))
    result = {"whitespace": [product.name for product in not_bought]}
    if start is None or end is None:
        return result
    won = Deal.objects.filter(
        account_id=account_id,
        status=Deal.Status.WON,
        closed_at__date__gte=start,
        closed_at__date__lte=end,
    ).aggregate(total=Sum("amount"))["total"]
    renewals = (
        Deal.objects.filter(
            account_id=account_id,
            deal_type=Deal.Type.RENEWAL,
            expected_close_date__gte=start,
            expected_close_date__lte=end,
        )
        .order_by("expected_close_date", "id")
        .values("name", "amount", "expected_close_date", "status")
    )
    result["won"] = won or ZERO
    result["renewals"] = list(renewals)
    return result


def register():
    register_plan_revenue(PlanRevenue("deals.plan_revenue", plan_revenue, order=10))
    register_account_measure(
        AccountMeasure(
            "won_revenue_12m", "Won, 12 months", annotate_won_revenue, kind="money", order=10
        )
    )
    register_account_measure(
        AccountMeasure(
            "open_pipeline", "Open pipeline", annotate_open_pipeline, kind="money", order=20
        )
    )
    register_account_measure(
        AccountMeasure("next_renewal", "Next renewal", annotate_next_renewal, kind="date", order=25)
    )
    register_health_signal(
        HealthSignal(
            "deals.revenue_trend",
            "Won revenue, last 12 months against the 12 before",
            revenue_trend,
            score_revenue_trend,
            weight=20,
            order=10,
        )
    )
    register_health_signal(
        HealthSignal(
            "deals.open_pipeline",
            "Open pipeline",
            open_pipeline,
            score_open_pipeline,
            weight=10,
            order=15,
        )
    )
    register_health_signal(
        HealthSignal(
            "deals.renewals_due",
            "Renewals due in the next 90 days and how far along they are",
            renewals_due,
            score_renewals_due,
            weight=15,
            order=25,
        )
    )
    register_health_signal(
        HealthSignal(
            "deals.lost_recently",
            "Deals lost in the last 90 days",
            deals_lost_recently,
            score_deals_lost_recently,
            weight=15,
            order=20,
        )
    )
