"""Reads for My accounts and the team portfolio: one query per page, whatever its size.

Figures from the processes above (revenue, pipeline, the last held call) arrive as
annotations registered with `salesproc.registry.register_account_measure`."""

from datetime import date, timedelta

from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.health.models import Band, HealthSnapshot
from accounts.models import Account
from accounts.plans.models import AccountAction, AccountPlan
from salesproc.models import User
from salesproc.registry import account_measures_for

BASE_ORDERINGS = {
    "name": F("name").asc(),
    "-name": F("name").desc(),
    "health": F("health__score").asc(nulls_last=True),
    "-health": F("health__score").desc(nulls_last=True),
    "trend": F("health_trend").asc(nulls_last=True),
    "-trend": F("health_trend").desc(nulls_last=True),
    "overdue": F("overdue_actions").asc(),
    "-overdue": F("overdue_actions").desc(),
    "owner": F("owner__first_name").asc(),
    "-owner": F("owner__first_name").desc(),
}
PLAN_STATUSES = [
    ("none", "No plan"),
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("changes_requested", "Changes requested"),
    ("approved", "Approved"),
    ("due_for_review", "Due for review"),
]
HEALTH_BUCKETS = [(low, low + 9 if low < 90 else 100) for low in range(0, 100, 10)]


def _with_plan(queryset: QuerySet, *, today: date) -> QuerySet:
    """The latest plan's status and approval date, and the open actions past due."""
    latest = AccountPlan.objects.filter(account=OuterRef("pk")).order_by("-period", "-id")
    overdue = (
        AccountAction.objects.filter(
            plan__account=OuterRef("pk"), status=AccountAction.Status.OPEN, due_date__lt=today
        )
        .order_by()
        .values("plan__account")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(
        plan_status_raw=Subquery(latest.values("status")[:1]),
        plan_approved_at=Subquery(latest.values("approved_at")[:1]),
        plan_id=Subquery(latest.values("id")[:1]),
        overdue_actions=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
    )


TREND_WEEKS = 4


def _with_trend(queryset: QuerySet, *, today: date) -> QuerySet:
    """`health_before`: the score of the latest weekly snapshot at least four weeks old,
    and `health_trend`: the score now minus it (None without both). A subquery."""
    this_monday = today - timedelta(days=today.weekday())
    before = HealthSnapshot.objects.filter(
        account=OuterRef("pk"), week__lte=this_monday - timedelta(weeks=TREND_WEEKS)
    ).order_by("-week")
    queryset = queryset.annotate(
        health_before=Subquery(before.values("score")[:1], output_field=IntegerField())
    )
    return queryset.annotate(health_trend=F("health__score") - F("health_before"))


def _filter_plan_status(queryset: QuerySet, plan_status: str, *, today: date) -> QuerySet:
    """On the latest plan's status; approved splits into current and due for review."""
    from accounts.plans.selectors import plan_settings

    review_due = today - timedelta(days=plan_settings().review_interval_days)
    due = Q(plan_status_raw=AccountPlan.Status.APPROVED, plan_approved_at__date__lte=review_due)
    if plan_status == "none":
        return queryset.filter(plan_status_raw__isnull=True)
    if plan_status == "due_for_review":
        return queryset.filter(due)
    if plan_status == "approved":
        return queryset.filter(plan_status_raw=plan_status).exclude(due)
    if plan_status in AccountPlan.Status.values:
        return queryset.filter(plan_status_raw=plan_status)
    return queryset


def _with_measures(queryset: QuerySet, *, today: date) -> QuerySet:
    for measure in account_measures_for():
        queryset = measure.annotate(queryset, today=today)
    return queryset


def orderings() -> dict:
    result = dict(BASE_ORDERINGS)
    for measure in account_measures_for():
        result[measure.key] = F(measure.key).asc(nulls_last=True)
        result[f"-{measure.key}"] = F(measure.key).desc(nulls_last=True)
    return result


def managed_accounts(
    *,
    user: User,
    today: date,
    account_manager: User | None = None,
    search: str = "",
    band: str = "",
    status: str = "",
    plan_status: str = "",
    ordering: str = "name",
) -> QuerySet:
    """Managed accounts `user` may see (only `account_manager`'s when given), each with its
    health and every registered measure; `band="none"` is the accounts not scored yet."""
    queryset = (
        Account.objects.visible_to(user)
        .filter(is_managed=True)
        .select_related("owner", "account_manager", "health")
    )
    if account_manager is not None:
        queryset = queryset.filter(account_manager=account_manager)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(domain__icontains=search))
    if band == "none":
        queryset = queryset.filter(health__isnull=True)
    elif band in Band.values:
        queryset = queryset.filter(health__band=band)
    if status in Account.Status.values:
        queryset = queryset.filter(status=status)
    queryset = _with_plan(queryset, today=today)
    if plan_status:
        queryset = _filter_plan_status(queryset, plan_status, today=today)
    queryset = _with_trend(queryset, today=today)
    queryset = _with_measures(queryset, today=today)
    order = orderings().get(ordering, BASE_ORDERINGS["name"])
    return queryset.order_by(order, "name", "id")


def portfolio_summary(*, user: User) -> dict:
    """The team's managed accounts by band and by ten-point score bucket, in one query."""
    visible = Account.objects.visible_to(user).filter(is_managed=True)
    aggregates = {
        "total": Count("id"),
        "unscored": Count("id", filter=Q(health__isnull=True)),
        "no_manager": Count("id", filter=Q(account_manager__isnull=True)),
    }
    for band in Band.values:
        aggregates[band] = Count("id", filter=Q(health__band=band))
    for low, high in HEALTH_BUCKETS:
        aggregates[f"bucket_{low}"] = Count(
            "id", filter=Q(health__score__gte=low, health__score__lte=high)
        )
    figures = visible.aggregate(**aggregates)
    figures["buckets"] = [
        (f"{low}–{high}", figures.pop(f"bucket_{low}")) for low, high in HEALTH_BUCKETS
    ]
    figures["bands"] = [(label, figures[value]) for value, label in Band.choices]
    return figures


def accounts_at_risk(*, user: User, limit: int = 10) -> QuerySet:
    return (
        Account.objects.visible_to(user)
        .filter(is_managed=True, health__band=Band.AT_RISK)
        .select_related("account_manager", "health")
        .order_by("health__score", "name", "id")[:limit]
    )


def plans_due_for_review(*, user: User, today: date, limit: int = 10) -> list[AccountPlan]:
    """The latest plans of visible managed accounts approved longer ago than the review
    interval, the longest overdue first (one query)."""
    from accounts.plans.selectors import plan_settings

    review_due = today - timedelta(days=plan_settings().review_interval_days)
    latest = AccountPlan.objects.filter(account=OuterRef("account")).order_by("-period", "-id")
    return list(
        AccountPlan.objects.visible_to(user)
        .filter(
            account__is_managed=True,
            status=AccountPlan.Status.APPROVED,
            approved_at__date__lte=review_due,
            pk=Subquery(latest.values("pk")[:1]),
        )
        .select_related("account", "account__account_manager")
        .order_by("approved_at", "id")[:limit]
    )


def portfolio_by_manager(*, user: User) -> list[dict]:
    """Per account manager: accounts, at risk, average score (one grouped query)."""
    rows = (
        Account.objects.visible_to(user)
        .filter(is_managed=True)
        .values(
            "account_manager",
            "account_manager__first_name",
            "account_manager__last_name",
            "account_manager__username",
        )
        .annotate(
            accounts=Count("id"),
            at_risk=Count("id", filter=Q(health__band=Band.AT_RISK)),
            average=Avg("health__score"),
        )
        .order_by("account_manager__first_name", "account_manager__username")
    )
    return [
        {
            "name": " ".join(
                part
                for part in (row["account_manager__first_name"], row["account_manager__last_name"])
                if part
            )
            or row["account_manager__username"]
            or "No account manager",
            "accounts": row["accounts"],
            "at_risk": row["at_risk"],
            "average": round(row["average"]) if row["average"] is not None else None,
        }
        for row in rows
    ]
