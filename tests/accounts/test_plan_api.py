"""/api/v1/account-plans/ and the plan's needs, actions and risks over the API."""

import pytest

from accounts.plans import services
from accounts.plans.models import AccountAction, AccountPlan
from tests.conftest import api_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_account(rep, kam):
    return AccountFactory(owner=rep, account_manager=kam, is_managed=True, name="Acme")


@pytest.fixture
def plan(kam, key_account):
    return services.account_plan_create(actor=kam, account=key_account, period="FY2027")


def test_it_creates_lists_and_filters_plans(kam, key_account):
    api = api_for(kam)
    created = api.post(
        "/api/v1/account-plans/", {"account": key_account.pk, "period": "FY2027"}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in ("account", "period", "status", "version")} == {
        "account": key_account.pk,
        "period": "FY2027",
        "status": "draft",
        "version": 1,
    }
    listed = api.get(f"/api/v1/account-plans/?account={key_account.pk}&period=FY2027").json()
    assert [p["id"] for p in listed["results"]] == [body["id"]]
    assert api.get("/api/v1/account-plans/?period=FY2030").json()["results"] == []


def test_patch_carries_the_version_and_a_stale_one_is_409(kam, manager, plan):
    ok = api_for(kam).patch(
        f"/api/v1/account-plans/{plan.pk}/",
        {"version": 1, "answers": {"sponsors": "Their CFO"}, "growth_target": "5000"},
        format="json",
    )
    assert ok.status_code == 200
    assert (ok.json()["version"], ok.json()["answers"]) == (2, {"sponsors": "Their CFO"})
    stale = api_for(manager).patch(
        f"/api/v1/account-plans/{plan.pk}/",
        {"version": 1, "answers": {"sponsors": "Overwritten"}},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    plan.refresh_from_db()
    assert plan.answers == {"sponsors": "Their CFO"}


def test_bad_input_is_400_with_the_field(kam, plan, key_account):
    api = api_for(kam)
    no_version = api.patch(f"/api/v1/account-plans/{plan.pk}/", {"answers": {}}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()
    unknown = api.patch(
        f"/api/v1/account-plans/{plan.pk}/",
        {"version": 1, "answers": {"nope": "x"}},
        format="json",
    )
    assert unknown.json() == {"answers": ["The plan has no question “nope”."]}
    duplicate = api.post(
        "/api/v1/account-plans/", {"account": key_account.pk, "period": "FY2027"}, format="json"
    )
    assert duplicate.json() == {"period": ["Acme already has a plan for FY2027."]}
    plan.refresh_from_db()
    assert plan.version == 1


def test_the_review_actions_and_out_of_order_steps(kam, manager, plan):
    early = api_for(manager).post(f"/api/v1/account-plans/{plan.pk}/approve/")
    assert early.status_code == 400
    assert early.json() == {"status": ["Only a submitted plan can be approved; this one is draft."]}
    assert api_for(kam).post(f"/api/v1/account-plans/{plan.pk}/submit/").json()["status"] == (
        "submitted"
    )
    asked = api_for(manager).post(
        f"/api/v1/account-plans/{plan.pk}/request-changes/", {"comment": "More"}, format="json"
    )
    assert (asked.json()["status"], asked.json()["review_comment"]) == ("changes_requested", "More")
    api_for(kam).post(f"/api/v1/account-plans/{plan.pk}/submit/")
    approved = api_for(manager).post(f"/api/v1/account-plans/{plan.pk}/approve/")
    assert approved.json()["status"] == "approved"


def test_permissions_across_two_teams_and_for_the_owner(rep, kam, other_kam, other_manager, plan):
    assert api_for(other_kam).get(f"/api/v1/account-plans/{plan.pk}/").status_code == 404
    assert (
        api_for(other_manager).post(f"/api/v1/account-plans/{plan.pk}/submit/").status_code == 404
    )
    assert api_for(other_kam).get("/api/v1/account-plans/").json()["results"] == []
    # the owner reads the plan but may not edit it; the account manager may not approve
    assert api_for(rep).get(f"/api/v1/account-plans/{plan.pk}/").status_code == 200
    refused = api_for(rep).patch(
        f"/api/v1/account-plans/{plan.pk}/",
        {"version": 1, "answers": {"history": "x"}},
        format="json",
    )
    assert refused.status_code == 403
    api_for(kam).post(f"/api/v1/account-plans/{plan.pk}/submit/")
    assert api_for(kam).post(f"/api/v1/account-plans/{plan.pk}/approve/").status_code == 403
    plan.refresh_from_db()
    assert (plan.status, plan.version) == ("submitted", 1)


def test_needs_actions_and_risks_over_the_api(kam, other_kam, plan):
    api = api_for(kam)
    need = api.post(
        "/api/v1/account-needs/",
        {"plan": plan.pk, "description": "Cut freight cost", "priority": "high"},
        format="json",
    ).json()
    action = api.post(
        "/api/v1/account-actions/",
        {
            "plan": plan.pk,
            "description": "Freight review",
            "owner": kam.pk,
            "due_date": "2027-01-15",
            "need": need["id"],
        },
        format="json",
    )
    assert action.status_code == 201
    done = api.patch(
        f"/api/v1/account-actions/{action.json()['id']}/", {"status": "done"}, format="json"
    )
    assert done.json()["status"] == "done"
    risk = api.post(
        "/api/v1/account-risks/",
        {"plan": plan.pk, "description": "Champion leaves", "likelihood": "sometimes"},
        format="json",
    )
    assert risk.status_code == 400 and "likelihood" in risk.json()
    assert api.get(f"/api/v1/account-needs/?plan={plan.pk}").json()["count"] == 1
    # another team sees none of it and cannot add to the plan
    other = api_for(other_kam)
    assert other.get("/api/v1/account-actions/").json()["count"] == 0
    refused = other.post(
        "/api/v1/account-needs/", {"plan": plan.pk, "description": "x"}, format="json"
    )
    assert refused.status_code == 400 and "plan" in refused.json()
    assert other.delete(f"/api/v1/account-needs/{need['id']}/").status_code == 404
    assert plan.needs.count() == 1
    assert AccountAction.objects.get().status == "done"
    assert AccountPlan.objects.count() == 1
