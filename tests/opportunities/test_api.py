"""The API keeps the contract's field names and rules: one plan per deal, 409 on a stale
version, a stakeholder from the deal's account, another team's records are 404."""

import pytest

from opportunities import services
from opportunities.models import Competitor, OpportunityPlan, Stakeholder
from tests.conftest import api_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_it_creates_a_plan_with_the_contract_fields(rep, deal):
    response = api_for(rep).post("/api/v1/opportunity-plans/", {"deal": deal.pk}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert {"id", "deal", "version", "completeness", "missing"} <= set(body)
    assert (body["deal"], body["version"], body["completeness"]) == (deal.pk, 1, 0)
    assert "a win strategy" in body["missing"]


def test_a_second_plan_for_a_deal_is_a_400(rep, deal):
    services.plan_create(actor=rep, deal=deal)

    response = api_for(rep).post("/api/v1/opportunity-plans/", {"deal": deal.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"deal": ["Acme rollout already has an opportunity plan."]}
    assert OpportunityPlan.objects.count() == 1


def test_patch_with_a_stale_version_is_a_409_and_changes_nothing(rep, manager, deal):
    plan = services.plan_create(actor=rep, deal=deal)
    api_for(manager).patch(
        f"/api/v1/opportunity-plans/{plan.pk}/", {"version": 1, "problem": "Theirs"}, format="json"
    )

    response = api_for(rep).patch(
        f"/api/v1/opportunity-plans/{plan.pk}/", {"version": 1, "problem": "Mine"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    plan.refresh_from_db()
    assert (plan.problem, plan.version) == ("Theirs", 2)


def test_patch_without_a_version_is_a_400(rep, deal):
    plan = services.plan_create(actor=rep, deal=deal)

    response = api_for(rep).patch(
        f"/api/v1/opportunity-plans/{plan.pk}/", {"problem": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"version": ["Send the version you read."]}


def test_patch_updates_and_the_deal_filter_finds_it(rep, deal, strategy):
    plan = services.plan_create(actor=rep, deal=deal)
    client = api_for(rep)

    response = client.patch(
        f"/api/v1/opportunity-plans/{plan.pk}/",
        {"version": 1, "problem": "Slow quotes", "strategy": strategy.pk},
        format="json",
    )
    listed = client.get(f"/api/v1/opportunity-plans/?deal={deal.pk}").json()

    assert response.status_code == 200
    assert (response.json()["version"], response.json()["completeness"]) == (2, 22)
    assert [p["id"] for p in listed["results"]] == [plan.pk]


def test_bad_input_is_a_400_with_field_messages(rep, deal):
    plan = services.plan_create(actor=rep, deal=deal)

    response = api_for(rep).patch(
        f"/api/v1/opportunity-plans/{plan.pk}/",
        {"version": 1, "impact_amount": "-5", "decision_date": "soon"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"decision_date"} | ({"impact_amount"} & set(response.json()))
    plan.refresh_from_db()
    assert plan.version == 1


@pytest.mark.parametrize("who", ["other_rep", "other_manager"])
def test_another_teams_plan_is_a_404_and_nothing_changes(request, who, rep, deal):
    plan = services.plan_create(actor=rep, deal=deal)
    client = api_for(request.getfixturevalue(who))

    assert client.get(f"/api/v1/opportunity-plans/{plan.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/opportunity-plans/{plan.pk}/", {"version": 1, "problem": "x"}, format="json"
    )
    assert response.status_code == 404
    assert client.get("/api/v1/opportunity-plans/").json()["count"] == 0
    plan.refresh_from_db()
    assert (plan.problem, plan.version) == ("", 1)


def test_a_plan_for_another_teams_deal_cannot_be_created(other_rep, deal):
    response = api_for(other_rep).post(
        "/api/v1/opportunity-plans/", {"deal": deal.pk}, format="json"
    )

    assert response.status_code == 400
    assert "deal" in response.json()
    assert not OpportunityPlan.objects.exists()


def test_a_manager_sees_the_teams_plans(rep, manager, deal):
    plan = services.plan_create(actor=rep, deal=deal)

    assert api_for(manager).get(f"/api/v1/opportunity-plans/{plan.pk}/").status_code == 200


def test_a_stakeholder_from_another_account_is_a_400_with_the_reason(rep, deal):
    stranger = ContactFactory(owner=rep, first_name="Sam", last_name="Else")

    response = api_for(rep).post(
        "/api/v1/stakeholders/",
        {"deal": deal.pk, "contact": stranger.pk, "buying_role": "champion"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["contact"][0].startswith("Sam Else is not a contact of")
    assert not Stakeholder.objects.exists()


def test_it_adds_a_stakeholder_with_the_contract_fields(rep, deal, buyer):
    response = api_for(rep).post(
        "/api/v1/stakeholders/",
        {
            "deal": deal.pk,
            "contact": buyer.pk,
            "buying_role": "economic_buyer",
            "stance": "supporter",
            "influence": "high",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("deal", "contact", "buying_role", "stance", "influence")} == {
        "deal": deal.pk,
        "contact": buyer.pk,
        "buying_role": "economic_buyer",
        "stance": "supporter",
        "influence": "high",
    }
    plan = OpportunityPlan.objects.get(deal=deal)  # started on the way
    assert "an economic buyer" not in plan.missing


def test_another_teams_stakeholder_is_a_404_and_stays(rep, other_rep, deal, buyer):
    item = services.stakeholder_add(actor=rep, deal=deal, contact=buyer, buying_role="champion")
    client = api_for(other_rep)

    assert client.get(f"/api/v1/stakeholders/{item.pk}/").status_code == 404
    assert client.delete(f"/api/v1/stakeholders/{item.pk}/").status_code == 404
    assert Stakeholder.objects.filter(pk=item.pk).exists()


def test_deal_competitors_and_action_items(rep, deal, competitor):
    client = api_for(rep)

    added = client.post(
        "/api/v1/deal-competitors/",
        {"deal": deal.pk, "competitor": competitor.pk, "status": "active"},
        format="json",
    )
    changed = client.patch(
        f"/api/v1/deal-competitors/{added.json()['id']}/", {"status": "eliminated"}, format="json"
    )
    step = client.post(
        "/api/v1/plan-action-items/",
        {"deal": deal.pk, "text": "Send the case", "due_date": "2030-01-02"},
        format="json",
    )

    assert added.status_code == 201
    assert {k: added.json()[k] for k in ("deal", "competitor", "status")} == {
        "deal": deal.pk,
        "competitor": competitor.pk,
        "status": "active",
    }
    assert changed.json()["status"] == "eliminated"
    assert step.status_code == 201
    assert (step.json()["owner"], step.json()["done"]) == (rep.pk, False)


def test_only_admins_write_the_catalogues(rep, admin):
    refused = api_for(rep).post("/api/v1/competitors/", {"name": "Acme"}, format="json")
    created = api_for(admin).post(
        "/api/v1/competitors/", {"name": "Acme", "how_we_win": "Speed"}, format="json"
    )

    assert refused.status_code == 403
    assert created.status_code == 201
    assert list(Competitor.objects.filter(name="Acme").values_list("how_we_win", flat=True)) == [
        "Speed"
    ]
    assert api_for(rep).get("/api/v1/win-strategies/").json()["count"] == 6
    assert api_for(rep).get("/api/v1/win-loss-reasons/").json()["count"] == 9


def test_a_role_without_the_process_is_refused(db, roles):
    from tests.factories import UserFactory

    account_manager = UserFactory(username="am", role=roles["account-manager"])

    assert api_for(account_manager).get("/api/v1/opportunity-plans/").status_code == 403
