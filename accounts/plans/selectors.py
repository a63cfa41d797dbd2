"""Reads for account plans: the access functions, the plan page, overdue actions."""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from salesproc.access import get_visible_or_404
from salesproc.models import User
from salesproc.registry import account_measures_for, contact_measures_for, plan_revenues_for

from .models import (
    AccountAction,
    AccountNeed,
    AccountPlan,
    AccountPlanVersion,
    AccountRisk,
    PlanPrompt,
    PlanSettings,
    RelationshipEntry,
)


def may_edit_plan(user: User, account: Account) -> bool:
    """The account manager, their manager, or an admin."""
    if user.is_crm_admin:
        return True
    manager = account.account_manager
    if manager is None:
        return False
    return manager.pk == user.pk or (
        manager.team_id is not None and manager.team_id in user.managed_team_ids
    )


def may_approve_plan(user: User, account: Account) -> bool:
    """The account manager's manager (or an admin); never the account manager themself."""
    manager = account.account_manager
    if manager is not None and manager.pk == user.pk and not user.is_crm_admin:
        return False
    if user.is_crm_admin:
        return True
    return bool(manager and manager.team_id and manager.team_id in user.managed_team_ids)


def _plans():
    return AccountPlan.objects.select_related(
        "account", "account__account_manager", "account__owner", "approved_by"
    )


def get_account_plan_for_user(user, pk, *, for_write=False) -> AccountPlan:
    """The plan if its account is visible to `user`, else Http404; for_write also needs
    the user to be the account manager or their manager (PermissionDenied otherwise)."""
    # A locked read joins only what is never null (PostgreSQL locks no outer join).
    queryset = AccountPlan.objects.select_related("account") if for_write else _plans()
    plan = get_visible_or_404(queryset, user, pk, for_write=for_write)
    if for_write and not may_edit_plan(user, plan.account):
        raise PermissionDenied("Only the account manager or their manager edits the plan.")
    return plan


def _get_item_for_user(model, user, pk, *, for_write):
    queryset = model.objects.select_related("plan", "plan__account")
    if not for_write:
        queryset = queryset.select_related("plan__account__account_manager")
    item = get_visible_or_404(queryset, user, pk, for_write=for_write)
    if for_write and not may_edit_plan(user, item.plan.account):
        raise PermissionDenied("Only the account manager or their manager edits the plan.")
    return item


def get_account_need_for_user(user, pk, *, for_write=False) -> AccountNeed:
    return _get_item_for_user(AccountNeed, user, pk, for_write=for_write)


def get_account_action_for_user(user, pk, *, for_write=False) -> AccountAction:
    return _get_item_for_user(AccountAction, user, pk, for_write=for_write)


def get_account_risk_for_user(user, pk, *, for_write=False) -> AccountRisk:
    return _get_item_for_user(AccountRisk, user, pk, for_write=for_write)


def get_relationship_entry_for_user(user, pk, *, for_write=False) -> RelationshipEntry:
    return _get_item_for_user(RelationshipEntry, user, pk, for_write=for_write)


def attach_contact_measures(entries: list[RelationshipEntry], *, today: date) -> list:
    """Set each row's contact figures from the other processes (last engagement from
    calls) as attributes named by the measure's key and on `row.measures`
    [(label, value, kind)]: one query for all the rows."""
    measures = contact_measures_for()
    figures = {}
    if entries and measures:
        from accounts.models import Contact

        queryset = Contact.all_objects.filter(pk__in={r.contact_id for r in entries})
        for measure in measures:
            queryset = measure.annotate(queryset, today=today)
        figures = {row["pk"]: row for row in queryset.values("pk", *[m.key for m in measures])}
    for entry in entries:
        values = figures.get(entry.contact_id, {})
        entry.measures = [(m.label, values.get(m.key), m.kind) for m in measures]
        for measure in measures:
            setattr(entry, measure.key, values.get(measure.key))
    return entries


def relationship_map(plan: AccountPlan, *, today: date) -> list[RelationshipEntry]:
    """The plan's relationship map with its contacts' figures: two queries."""
    rows = list(plan.relationships.select_related("contact", "counterpart"))
    return attach_contact_measures(rows, today=today)


def relationship_measure_labels() -> list[str]:
    return [m.label for m in contact_measures_for()]


def plan_settings() -> PlanSettings:
    return PlanSettings.objects.order_by("pk").first() or PlanSettings()


def active_prompts() -> list[PlanPrompt]:
    return list(PlanPrompt.objects.filter(is_active=True).order_by("order", "id"))


def plan_page(plan: AccountPlan) -> dict:
    """What the plan page shows, in a fixed number of queries."""
    needs = list(plan.needs.order_by("id"))
    actions = list(plan.actions.select_related("owner", "need").order_by("due_date", "id"))
    risks = list(plan.risks.select_related("owner").order_by("id"))
    relationships = relationship_map(plan, today=timezone.localdate())
    sponsor = next((r for r in relationships if r.is_executive_sponsor), None)
    return {
        "needs": needs,
        "actions": actions,
        "risks": risks,
        "relationships": relationships,
        "relationship_measures": relationship_measure_labels(),
        "sponsor": sponsor,
    }


def changes_since_approval(plan: AccountPlan) -> list[dict]:
    """[{"label", "before", "after"}] for every answer or target changed since the version
    last approved; [] when the plan was never approved or nothing changed."""
    if not plan.approved_version:
        return []
    approved = (
        AccountPlanVersion.objects.filter(plan=plan, version=plan.approved_version)
        .values_list("data", flat=True)
        .first()
    )
    if approved is None:
        return []
    current = plan_snapshot(plan)
    rows = [
        (
            p["text"],
            approved.get("answers", {}).get(p["key"], ""),
            current["answers"].get(p["key"], ""),
        )
        for p in plan.prompts
    ]
    rows += [
        (label, approved.get(key, ""), current[key])
        for key, label in (
            ("retention_target", "Retention target"),
            ("growth_target", "Growth target"),
        )
    ]
    return [
        {"label": label, "before": before, "after": after}
        for label, before, after in rows
        if (before or "") != (after or "")
    ]


def plan_snapshot(plan: AccountPlan) -> dict:
    return {
        "answers": dict(plan.answers or {}),
        "retention_target": str(plan.retention_target) if plan.retention_target is not None else "",
        "growth_target": str(plan.growth_target) if plan.growth_target is not None else "",
    }


def plan_status_for(plan: AccountPlan | None, *, today: date, review_interval_days: int) -> str:
    """none, draft, submitted, changes_requested, approved or due_for_review."""
    if plan is None:
        return "none"
    if (
        plan.status == AccountPlan.Status.APPROVED
        and plan.approved_at
        and plan.approved_at.date() + timedelta(days=review_interval_days) <= today
    ):
        return "due_for_review"
    return plan.status


def overdue_actions(*, user: User, today: date, limit: int = 5) -> tuple[list, int]:
    """The user's open action items past their due date (on visible plans), and how many."""
    queryset = (
        AccountAction.objects.visible_to(user)
        .filter(owner=user, status=AccountAction.Status.OPEN, due_date__lt=today)
        .select_related("plan", "plan__account")
        .order_by("due_date", "id")
    )
    return list(queryset[:limit]), queryset.count()


def account_revenue_figures(*, account: Account, today: date) -> list[tuple[str, object]]:
    """[(label, amount)] for the money figures other processes register (won revenue over
    12 months, open pipeline...), in one query."""
    measures = [m for m in account_measures_for() if m.kind == "money"]
    if not measures:
        return []
    queryset = Account.objects.filter(pk=account.pk)
    for measure in measures:
        queryset = measure.annotate(queryset, today=today)
    row = queryset.values(*[m.key for m in measures]).first() or {}
    return [(m.label, row.get(m.key)) for m in measures]


_PERIOD = re.compile(r"^(?:FY|CY)?\s*(\d{4})(?:\s*[-/ ]?\s*Q([1-4]))?$", re.IGNORECASE)
_QUARTER_FIRST = re.compile(r"^Q([1-4])\s*[-/ ]?\s*(?:FY|CY)?\s*(\d{4})$", re.IGNORECASE)


def plan_period_dates(period: str) -> tuple[date, date] | None:
    """The first and last day of a plan's period: "FY2027" or "2027" is the year,
    "2027-Q2", "FY2027 Q2" or "Q2 2027" a quarter; None for anything else."""
    text = (period or "").strip()
    match = _PERIOD.match(text)
    if match:
        year, quarter = int(match.group(1)), match.group(2)
    else:
        match = _QUARTER_FIRST.match(text)
        if not match:
            return None
        year, quarter = int(match.group(2)), match.group(1)
    if not 1900 <= year <= 9998:
        return None
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first_month = 3 * (int(quarter) - 1) + 1
    start = date(year, first_month, 1)
    end = (
        date(year + 1, 1, 1) if first_month == 10 else date(year, first_month + 3, 1)
    ) - timedelta(days=1)
    return start, end


def plan_revenue(plan: AccountPlan) -> dict:
    """The Revenue section: won revenue within the plan's period against the retention
    and growth targets, the renewals falling in the period and the whitespace, from what
    the other processes register. Figures are None when the period is not a known one."""
    dates = plan_period_dates(plan.period)
    start, end = dates or (None, None)
    won, renewals, whitespace, known = Decimal("0"), [], [], False
    for source in plan_revenues_for():
        figures = source.compute(account_id=plan.account_id, start=start, end=end)
        if "won" in figures:
            won += figures["won"] or 0
            known = True
        renewals += figures.get("renewals", [])
        whitespace += figures.get("whitespace", [])
    won_in_period = won if (dates and known) else None
    return {
        "period_start": start,
        "period_end": end,
        "won_in_period": won_in_period,
        "retention_target": plan.retention_target,
        "growth_target": plan.growth_target,
        "against_retention": _gap(won_in_period, plan.retention_target),
        "against_growth": _gap(won_in_period, plan.growth_target),
        "renewals": renewals,
        "whitespace": sorted(set(whitespace)),
    }


def _gap(won, target):
    """Won minus the target (negative: still missing), or None without both."""
    if won is None or target is None:
        return None
    return won - target


def plans_for_account(*, account: Account) -> QuerySet:
    return account.plans.order_by("-period", "-id")
