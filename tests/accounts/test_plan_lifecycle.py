"""The account plan: start, save with versions, submit, approve or ask for changes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.plans import services
from accounts.plans.models import AccountPlan, AccountPlanVersion, PlanPrompt
from accounts.plans.selectors import changes_since_approval, plan_status_for
from salesproc.errors import StaleVersion
from salesproc.models import Event
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_account(rep, kam):
    return AccountFactory(owner=rep, account_manager=kam, is_managed=True, name="Acme")


@pytest.fixture
def plan(kam, key_account):
    return services.account_plan_create(actor=kam, account=key_account, period="FY2027")


def test_a_plan_keeps_the_wording_it_was_written_against(kam, key_account, plan):
    # given an admin rewords a prompt after the plan was started
    PlanPrompt.objects.filter(key="sponsors").update(text="Who sponsors us?")
    # then the plan still asks the question it was written against; a new plan the new one
    texts = {p["key"]: p["text"] for p in plan.prompts}
    assert texts["sponsors"] == "Who is the executive sponsor on each side?"
    later = services.account_plan_create(actor=kam, account=key_account, period="FY2028")
    assert {p["key"]: p["text"] for p in later.prompts}["sponsors"] == "Who sponsors us?"


def test_every_saved_change_keeps_a_version(kam, plan):
    plan = services.account_plan_update(
        actor=kam, plan=plan, version=1, answers={"sponsors": "Their CFO, our CEO"}
    )
    plan = services.account_plan_update(
        actor=kam,
        plan=plan,
        version=2,
        retention_target=Decimal("100000"),
        growth_target=Decimal("25000"),
        targets_given=True,
    )
    assert plan.version == 3
    versions = list(AccountPlanVersion.objects.filter(plan=plan).order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[1].data["answers"] == {"sponsors": "Their CFO, our CEO"}
    assert versions[2].data["growth_target"] == "25000"


def test_a_stale_version_is_refused_and_changes_nothing(kam, manager, plan):
    services.account_plan_update(actor=manager, plan=plan, version=1, answers={"history": "A"})
    with pytest.raises(StaleVersion):
        services.account_plan_update(actor=kam, plan=plan, version=1, answers={"history": "B"})
    plan.refresh_from_db()
    assert (plan.version, plan.answers) == (2, {"history": "A"})


def test_the_full_review_with_what_changed_since_approval(kam, manager, plan):
    plan = services.account_plan_update(
        actor=kam, plan=plan, version=1, answers={"sponsors": "Their CFO"}
    )
    plan = services.account_plan_submit(actor=kam, plan=plan)
    plan = services.account_plan_request_changes(
        actor=manager, plan=plan, comment="Name our sponsor too"
    )
    assert (plan.status, plan.review_comment) == ("changes_requested", "Name our sponsor too")
    plan = services.account_plan_update(
        actor=kam, plan=plan, version=2, answers={"sponsors": "Their CFO, our CEO"}
    )
    services.account_plan_submit(actor=kam, plan=plan)
    plan = services.account_plan_approve(actor=manager, plan=plan)
    assert (plan.status, plan.approved_by, plan.approved_version) == ("approved", manager, 3)
    assert changes_since_approval(plan) == []
    # an approved plan that changes is a draft again, and says what changed
    plan = services.account_plan_update(
        actor=kam, plan=plan, version=3, answers={"sponsors": "Their COO, our CEO"}
    )
    assert plan.status == "draft"
    assert changes_since_approval(plan) == [
        {
            "label": "Who is the executive sponsor on each side?",
            "before": "Their CFO, our CEO",
            "after": "Their COO, our CEO",
        }
    ]
    names = list(
        Event.objects.filter(name__startswith="account_plan.")
        .order_by("id")
        .values_list("name", flat=True)
    )
    assert names == [
        "account_plan.created",
        "account_plan.updated",
        "account_plan.submitted",
        "account_plan.changes_requested",
        "account_plan.updated",
        "account_plan.submitted",
        "account_plan.approved",
        "account_plan.updated",
    ]


def test_out_of_order_steps_are_refused_with_the_reason(kam, manager, plan):
    with pytest.raises(ValidationError) as refused:
        services.account_plan_approve(actor=manager, plan=plan)
    assert refused.value.message_dict == {
        "status": ["Only a submitted plan can be approved; this one is draft."]
    }
    services.account_plan_submit(actor=kam, plan=plan)
    with pytest.raises(ValidationError):
        services.account_plan_submit(actor=kam, plan=plan)
    with pytest.raises(ValidationError):
        services.account_plan_update(actor=kam, plan=plan, version=1, answers={"history": "x"})
    with pytest.raises(ValidationError) as no_comment:
        services.account_plan_request_changes(actor=manager, plan=plan, comment="  ")
    assert no_comment.value.message_dict == {"comment": ["Say what should change."]}
    plan.refresh_from_db()
    assert (plan.status, plan.version) == ("submitted", 1)


def test_only_the_manager_approves_and_only_the_account_manager_side_edits(
    kam, rep, other_manager, manager, plan
):
    services.account_plan_submit(actor=kam, plan=plan)
    with pytest.raises(PermissionDenied):
        services.account_plan_approve(actor=kam, plan=plan)  # not their own plan
    with pytest.raises(PermissionDenied):
        services.account_plan_approve(actor=other_manager, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "submitted"
    # the owner (alice) is not the account manager: she may read, not edit
    with pytest.raises(PermissionDenied):
        services.account_plan_create(actor=rep, account=plan.account, period="FY2029")
    assert AccountPlan.objects.count() == 1


def test_bad_periods_are_refused(kam, key_account, plan):
    for period, message in [
        ("", "Say which period the plan is for, e.g. FY2027."),
        ("FY2027", "Acme already has a plan for FY2027."),
        ("x" * 21, "Keep the period short (at most 20 characters)."),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.account_plan_create(actor=kam, account=key_account, period=period)
        assert refused.value.message_dict == {"period": [message]}
    assert AccountPlan.objects.count() == 1


def test_an_approved_plan_is_due_for_review_after_the_interval(kam, manager, plan):
    services.account_plan_submit(actor=kam, plan=plan)
    plan = services.account_plan_approve(actor=manager, plan=plan)
    approved_on = plan.approved_at.date()
    assert (
        plan_status_for(plan, today=approved_on + timedelta(days=90), review_interval_days=91)
        == "approved"
    )
    assert (
        plan_status_for(plan, today=approved_on + timedelta(days=91), review_interval_days=91)
        == "due_for_review"
    )
    assert plan_status_for(None, today=date.today(), review_interval_days=91) == "none"


def test_action_items_need_an_owner_from_the_team_and_a_need_of_the_plan(
    kam, other_rep, plan, key_account
):
    need = services.account_need_save(
        actor=kam,
        plan=plan,
        data=services.NeedInput(description="Cut freight cost", priority="high"),
    )
    action = services.account_action_save(
        actor=kam,
        plan=plan,
        data=services.ActionInput(
            description="Run a freight review", owner=kam, due_date=date(2027, 1, 15), need=need
        ),
    )
    assert (action.need, action.status) == (need, "open")
    with pytest.raises(ValidationError) as refused:
        services.account_action_save(
            actor=kam,
            plan=plan,
            data=services.ActionInput(description="X", owner=other_rep, due_date=date(2027, 1, 1)),
        )
    assert refused.value.message_dict == {"owner": ["Choose yourself or someone in your team."]}
    with pytest.raises(ValidationError) as bad_priority:
        services.account_need_save(
            actor=kam, plan=plan, data=services.NeedInput(description="Y", priority="urgent")
        )
    assert "priority" in bad_priority.value.message_dict
    assert plan.actions.count() == 1 and plan.needs.count() == 1
