"""The plan pages: start a plan, answer it, review it; who may do what."""

from datetime import date, timedelta

import pytest

from accounts.plans import services
from accounts.plans.models import AccountAction, AccountPlan
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_account(rep, kam):
    return AccountFactory(owner=rep, account_manager=kam, is_managed=True, name="Acme")


@pytest.fixture
def plan(kam, key_account):
    return services.account_plan_create(actor=kam, account=key_account, period="FY2027")


def test_the_account_manager_starts_a_plan_from_the_account(client, kam, key_account):
    client.force_login(kam)
    response = client.post(f"/accounts/companies/{key_account.pk}/plans/", {"period": "FY2027"})
    plan = AccountPlan.objects.get()
    assert response.url == f"/accounts/plans/{plan.pk}/"
    assert (plan.account, plan.period, plan.status) == (key_account, "FY2027", "draft")


def test_a_bad_period_is_a_form_error(client, kam, key_account, plan):
    client.force_login(kam)
    response = client.post(f"/accounts/companies/{key_account.pk}/plans/", {"period": "FY2027"})
    assert response.status_code == 400
    assert "Acme already has a plan for FY2027." in response.content.decode()
    assert AccountPlan.objects.count() == 1


def test_the_plan_page_saves_answers_and_targets(client, kam, plan):
    client.force_login(kam)
    page = client.get(f"/accounts/plans/{plan.pk}/")
    body = page.content.decode()
    assert "Who is the executive sponsor on each side?" in body
    assert "The customer&#x27;s business needs" in body
    saved = client.post(
        f"/accounts/plans/{plan.pk}/",
        {"version": 1, "answer_sponsors": "Their CFO", "growth_target": "25000"},
    )
    assert saved.status_code == 302
    plan.refresh_from_db()
    assert (plan.version, plan.answers["sponsors"], str(plan.growth_target)) == (
        2,
        "Their CFO",
        "25000.00",
    )


def test_a_stale_save_says_so_and_keeps_the_other_edit(client, kam, manager, plan):
    services.account_plan_update(actor=manager, plan=plan, version=1, answers={"history": "A"})
    client.force_login(kam)
    response = client.post(f"/accounts/plans/{plan.pk}/", {"version": 1, "answer_history": "B"})
    assert response.status_code == 409
    assert "Someone else saved this plan" in response.content.decode()
    plan.refresh_from_db()
    assert plan.answers["history"] == "A"


def test_bad_targets_are_form_errors(client, kam, plan):
    client.force_login(kam)
    response = client.post(f"/accounts/plans/{plan.pk}/", {"version": 1, "growth_target": "-5"})
    assert response.status_code == 400
    assert "A target cannot be negative." in response.content.decode()
    response = client.post(f"/accounts/plans/{plan.pk}/", {"version": "x"})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.version == 1


def test_submit_approve_through_the_pages(client, kam, manager, plan):
    client.force_login(kam)
    client.post(f"/accounts/plans/{plan.pk}/submit/")
    client.force_login(manager)
    early = client.post(f"/accounts/plans/{plan.pk}/request-changes/", {"comment": ""})
    assert early.status_code == 400
    assert "Say what should change." in early.content.decode()
    client.post(f"/accounts/plans/{plan.pk}/approve/")
    plan.refresh_from_db()
    assert plan.status == "approved"
    again = client.post(f"/accounts/plans/{plan.pk}/approve/")
    assert again.status_code == 400
    assert "Only a submitted plan can be approved; this one is approved." in again.content.decode()


def test_an_unknown_step_is_a_404(client, kam, plan):
    client.force_login(kam)
    assert client.post(f"/accounts/plans/{plan.pk}/publish/").status_code == 404
    assert client.post(f"/accounts/plans/{plan.pk}/add/bananas/").status_code == 404


def test_the_owner_reads_the_plan_but_may_not_change_it(client, rep, plan):
    client.force_login(rep)
    page = client.get(f"/accounts/plans/{plan.pk}/")
    assert page.status_code == 200
    assert "Save the plan" not in page.content.decode()
    refused = client.post(f"/accounts/plans/{plan.pk}/", {"version": 1, "answer_history": "x"})
    assert refused.status_code == 403
    plan.refresh_from_db()
    assert plan.version == 1


@pytest.mark.parametrize("persona", ["other_rep", "other_manager", "other_kam"])
def test_another_team_gets_a_404_and_changes_nothing(client, request, persona, plan):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/accounts/plans/{plan.pk}/").status_code == 404
    assert (
        client.post(
            f"/accounts/plans/{plan.pk}/", {"version": 1, "answer_history": "x"}
        ).status_code
        == 404
    )
    assert client.post(f"/accounts/plans/{plan.pk}/submit/").status_code == 404
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (1, "draft")


def test_items_are_added_marked_done_and_removed(client, kam, plan):
    client.force_login(kam)
    client.post(
        f"/accounts/plans/{plan.pk}/add/needs/",
        {"description": "Cut freight cost", "priority": "high", "status": "new"},
    )
    need = plan.needs.get()
    response = client.post(
        f"/accounts/plans/{plan.pk}/add/actions/",
        {
            "description": "Freight review",
            "owner": kam.pk,
            "due_date": "2027-01-15",
            "need": need.pk,
            "status": "open",
        },
    )
    assert response.status_code == 302
    action = plan.actions.get()
    client.post(f"/accounts/plan-actions/{action.pk}/done/")
    action.refresh_from_db()
    assert action.status == "done"
    bad = client.post(f"/accounts/plans/{plan.pk}/add/risks/", {"likelihood": "sometimes"})
    assert bad.status_code == 400
    assert plan.risks.count() == 0
    client.post(f"/accounts/plan-items/needs/{need.pk}/delete/")
    assert plan.needs.count() == 0


def test_overdue_actions_show_on_the_owners_home(client, kam, plan):
    services.account_action_save(
        actor=kam,
        plan=plan,
        data=services.ActionInput(
            description="Send the QBR deck", owner=kam, due_date=date.today() - timedelta(days=3)
        ),
    )
    services.account_action_save(
        actor=kam,
        plan=plan,
        data=services.ActionInput(
            description="Plan the renewal", owner=kam, due_date=date.today() + timedelta(days=3)
        ),
    )
    client.force_login(kam)
    body = client.get("/").content.decode()
    assert "Send the QBR deck" in body
    assert "Plan the renewal" not in body
    assert AccountAction.objects.count() == 2


def test_the_plan_page_runs_a_bounded_number_of_queries(
    client, kam, plan, django_assert_max_num_queries
):
    for n in range(20):
        services.account_need_save(
            actor=kam, plan=plan, data=services.NeedInput(description=f"Need {n}")
        )
        services.account_action_save(
            actor=kam,
            plan=plan,
            data=services.ActionInput(description=f"Action {n}", owner=kam, due_date=date.today()),
        )
    client.force_login(kam)
    with django_assert_max_num_queries(22):
        response = client.get(f"/accounts/plans/{plan.pk}/")
    assert len(response.context["actions"]) == 20
