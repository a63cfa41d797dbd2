"""Demo account plans on rep3's and rep4's key accounts: every state (none, draft,
submitted, changes requested, approved, due for review), with needs, action items (some
overdue) and risks, written through the services like a user would."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from salesproc.models import Team
from salesproc.registry import DemoSeeder, register_demo

from . import selectors, services
from .models import AccountPlan

STATES = ["draft", "submitted", "approved", "changes_requested", "due_for_review", "none"]
ANSWERS = {
    "customer_since": "Customer since 2021; they buy the platform licence and support.",
    "sponsors": "Their COO sponsors the rollout; ours is the VP Sales.",
    "history": "Started with one site, expanded to three; one escalation in 2024 resolved.",
    "business_goals": "Cut fulfilment cost by 10% and open two new regions.",
    "action_summary": "A quarterly business review, a freight pilot, and an executive dinner.",
    "growth_plan": "Renew the licence and add the analytics module in Q2.",
    "risk_summary": "A new CFO is reviewing every supplier.",
}


@transaction.atomic
def seed(*, stdout=None):
    accounts = list(
        Account.objects.filter(
            is_managed=True, account_manager__username__in=["rep3", "rep4"], plans__isnull=True
        )
        .select_related("account_manager")
        .order_by("account_manager__username", "name")
    )
    if not accounts or AccountPlan.objects.exists():
        return
    team = Team.objects.filter(manager__isnull=False, members__username="rep3").first()
    approver = team.manager if team else None
    today = timezone.localdate()
    made = 0
    counters = {}
    # the prompts an admin kept (the default ones unless reworded or removed)
    keys = {prompt.key for prompt in selectors.active_prompts()}
    answers = {key: text for key, text in ANSWERS.items() if key in keys}
    for account in accounts:
        # each account manager gets plans in every state
        n = counters[account.account_manager_id] = counters.get(account.account_manager_id, -1) + 1
        state = STATES[n % len(STATES)]
        if state == "none" or approver is None:
            continue
        am = account.account_manager
        plan = services.account_plan_create(actor=am, account=account, period="FY2027")
        plan = services.account_plan_update(
            actor=am,
            plan=plan,
            version=plan.version,
            answers=answers,
            retention_target=Decimal(40000 + 5000 * n),
            growth_target=Decimal(10000 + 1000 * n),
            targets_given=True,
        )
        need = services.account_need_save(
            actor=am,
            plan=plan,
            data=services.NeedInput(
                description="Lower fulfilment cost per order",
                priority="high",
                source="COO, at the last business review",
                source_date=today - timedelta(days=40),
            ),
        )
        services.account_need_save(
            actor=am,
            plan=plan,
            data=services.NeedInput(description="Reporting for the board", status="addressed"),
        )
        services.account_action_save(
            actor=am,
            plan=plan,
            data=services.ActionInput(
                description="Run the quarterly business review",
                owner=am,
                due_date=today - timedelta(days=3 + n % 9)
                if n % 3 == 0
                else today + timedelta(days=14),
                need=need,
            ),
        )
        services.account_action_save(
            actor=am,
            plan=plan,
            data=services.ActionInput(
                description="Propose the freight pilot",
                owner=am,
                due_date=today + timedelta(days=30),
            ),
        )
        services.account_risk_save(
            actor=am,
            plan=plan,
            data=services.RiskInput(
                description="The new CFO reviews every supplier",
                likelihood="medium",
                impact="high",
                mitigation="Meet the CFO with the ROI study before the renewal.",
                owner=am,
            ),
        )
        if state in ("submitted", "approved", "changes_requested", "due_for_review"):
            plan = services.account_plan_submit(actor=am, plan=plan)
        if state == "changes_requested":
            services.account_plan_request_changes(
                actor=approver, plan=plan, comment="Add the renewal date and who signs it."
            )
        if state in ("approved", "due_for_review"):
            plan = services.account_plan_approve(actor=approver, plan=plan)
        if state == "due_for_review":
            AccountPlan.objects.filter(pk=plan.pk).update(
                approved_at=timezone.now() - timedelta(days=120)
            )
        made += 1
    if stdout:
        stdout.write(f"  account plans: {made} new")


def register():
    register_demo(DemoSeeder("account plans", seed, order=81))
