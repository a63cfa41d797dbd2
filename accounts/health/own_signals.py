"""Accounts' own health signals: is the account plan current, and are its action items
on time. One query each for a whole batch."""

from datetime import date, timedelta

from django.db.models import Count

from accounts.plans.models import AccountAction, AccountPlan
from accounts.plans.selectors import plan_settings
from salesproc.registry import HealthSignal, register_health_signal


def plan_state(*, account_ids: list[int], today: date) -> dict[int, str]:
    """{account_id: the latest plan's state}: approved, due_for_review, draft, submitted..."""
    review_after = timedelta(days=plan_settings().review_interval_days)
    latest = {}
    for account_id, status, approved_at in (
        AccountPlan.objects.filter(account_id__in=account_ids)
        .order_by("account_id", "-period", "-id")
        .values_list("account_id", "status", "approved_at")
    ):
        if account_id in latest:
            continue
        if status == "approved" and approved_at and approved_at.date() + review_after <= today:
            status = "due_for_review"
        latest[account_id] = status
    return latest


def score_plan_state(value, *, weight: int):
    if value is None:
        return -weight, "No account plan"
    if value == "approved":
        return 0, "Account plan approved and current"
    if value == "due_for_review":
        return -weight / 2, "Account plan due for review"
    if value == "submitted":
        return -weight / 4, "Account plan waiting for approval"
    return -weight / 2, "Account plan not approved yet"


def overdue_actions(*, account_ids: list[int], today: date) -> dict[int, int]:
    rows = (
        AccountAction.objects.filter(
            plan__account_id__in=account_ids,
            status=AccountAction.Status.OPEN,
            due_date__lt=today,
        )
        .values("plan__account_id")
        .annotate(n=Count("id"))
    )
    return {row["plan__account_id"]: row["n"] for row in rows}


def score_overdue_actions(value, *, weight: int):
    if not value:
        return 0, "No overdue action items"
    # three overdue actions cost the whole weight
    return -weight * min(1, value / 3), f"{value} overdue action item{'s' if value > 1 else ''}"


def register():
    register_health_signal(
        HealthSignal(
            "accounts.plan_current",
            "Account plan current",
            plan_state,
            score_plan_state,
            weight=10,
            order=50,
        )
    )
    register_health_signal(
        HealthSignal(
            "accounts.overdue_actions",
            "Overdue action items",
            overdue_actions,
            score_overdue_actions,
            weight=10,
            order=60,
        )
    )
