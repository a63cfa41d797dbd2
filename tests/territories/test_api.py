"""API: territories with nested rules, territory-rules with preview/ and apply/, runs."""

import pytest

from territories import services
from territories.models import AccountTerritory, AssignmentRule, Territory

from .factories import RuleFactory

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_territory_and_sees_it_with_its_rules(api_as, manager, teammate):
    client = api_as(manager)
    created = client.post(
        "/api/v1/territories/", {"name": "North-West", "rep": teammate.pk}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in ("name", "parent", "rep", "rules")} == {
        "name": "North-West",
        "parent": None,
        "rep": teammate.pk,
        "rules": [],
    }
    RuleFactory(territory_id=body["id"], priority=10, postcode_prefixes=["M"])
    listed = client.get("/api/v1/territories/").json()["results"]
    assert [t["name"] for t in listed] == ["North-West"]
    assert [r["postcode_prefixes"] for r in listed[0]["rules"]] == [["M"]]


def test_preview_then_apply_over_the_api(
    api_as, manager, north_west, make_account, django_capture_on_commit_callbacks
):
    account = make_account(postcode="M1 1AA")
    client = api_as(manager)
    payload = {"territory": north_west.pk, "priority": 10, "postcode_prefixes": ["M"]}
    preview = client.post("/api/v1/territory-rules/preview/", payload, format="json")
    assert preview.status_code == 200, preview.json()
    assert preview.json() == {
        "moves": [
            {
                "from_territory": None,
                "from_name": None,
                "to_territory": north_west.pk,
                "to_name": "North-West",
                "accounts": 1,
                "sentence": "1 account joins North-West",
            }
        ],
        "summary": "1 account joins North-West",
    }
    assert AssignmentRule.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post("/api/v1/territory-rules/apply/", payload, format="json")
    assert applied.status_code == 202, applied.json()
    rule = applied.json()["rule"]
    assert {k: rule[k] for k in ("territory", "priority", "postcode_prefixes", "radius_km")} == {
        "territory": north_west.pk,
        "priority": 10,
        "postcode_prefixes": ["M"],
        "radius_km": None,
    }
    run = client.get(f"/api/v1/territory-rules/runs/{applied.json()['run']['id']}/").json()
    assert (run["status"], run["percent"], run["moved"]) == ("done", 100, 1)
    assert AccountTerritory.objects.get(account=account).territory == north_west


def test_removing_a_rule_through_apply(
    api_as, manager, north_west, make_account, django_capture_on_commit_callbacks
):
    rule = RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    account = make_account(postcode="M1 1AA")
    client = api_as(manager)
    services.reassign_accounts()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/territory-rules/apply/", {"id": rule.pk, "delete": True}, format="json"
        )
    assert response.status_code == 202
    assert response.json()["rule"] is None
    assert not AssignmentRule.objects.exists()
    assert AccountTerritory.objects.filter(account=account, territory__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"latitude": 91, "longitude": 0, "radius_km": 10}, "latitude"),
        ({"latitude": "north", "longitude": 0, "radius_km": 10}, "latitude"),
        ({"latitude": 53, "longitude": 0}, "radius_km"),
        ({"priority": 0, "countries": ["UK"]}, "priority"),
        ({"countries": "United Kingdom"}, "countries"),
        ({}, "non_field_errors"),
    ],
)
def test_bad_rules_are_400_with_the_field(api_as, manager, north_west, payload, field):
    body = {"territory": north_west.pk, "priority": 10, **payload}
    for url in ("/api/v1/territory-rules/", "/api/v1/territory-rules/preview/"):
        response = api_as(manager).post(url, body, format="json")
        assert response.status_code == 400
        assert field in response.json(), response.json()
    assert AssignmentRule.objects.count() == 0


def test_an_overlapping_priority_is_400(api_as, manager, north_west, yorkshire):
    RuleFactory(territory=yorkshire, priority=10, postcode_prefixes=["LS"])
    response = api_as(manager).post(
        "/api/v1/territory-rules/",
        {"territory": north_west.pk, "priority": 10, "postcode_prefixes": ["M"]},
        format="json",
    )
    assert response.status_code == 400
    assert "already used" in response.json()["priority"][0]
    assert AssignmentRule.objects.count() == 1


def test_another_team_cannot_see_or_change_north(
    api_as, other_manager, north_west, south_east, make_account
):
    rule = RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    client = api_as(other_manager)
    # Other team's manager sees only their own territory
    assert [t["name"] for t in client.get("/api/v1/territories/").json()["results"]] == [
        "South-East"
    ]
    assert client.get(f"/api/v1/territories/{north_west.pk}/").status_code == 404
    assert client.get(f"/api/v1/territory-rules/{rule.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/territories/{north_west.pk}/", {"name": "Mine"}, format="json")
    ).status_code == 404
    assert client.delete(f"/api/v1/territory-rules/{rule.pk}/").status_code == 404
    hijack = client.post(
        "/api/v1/territory-rules/",
        {"territory": north_west.pk, "priority": 5, "countries": ["United Kingdom"]},
        format="json",
    )
    assert hijack.status_code == 400
    # Nothing changed
    north_west.refresh_from_db()
    assert north_west.name == "North-West"
    assert list(AssignmentRule.objects.values_list("pk", flat=True)) == [rule.pk]


def test_a_rep_reads_their_territory_but_cannot_change_it(api_as, teammate, north_west):
    client = api_as(teammate)
    assert client.get(f"/api/v1/territories/{north_west.pk}/").json()["name"] == "North-West"
    assert (
        client.patch(f"/api/v1/territories/{north_west.pk}/", {"name": "Mine"}, format="json")
    ).status_code == 404
    assert client.post("/api/v1/territories/", {"name": "Mine"}, format="json").status_code == 400
    assert list(Territory.objects.values_list("name", flat=True)) == ["North-West"]


def test_an_inside_rep_does_not_run_territory_management(api_as, rep):
    assert api_as(rep).get("/api/v1/territories/").status_code == 403


def test_a_territory_cannot_sit_inside_itself(api_as, manager, north_west, yorkshire):
    yorkshire.parent = north_west
    yorkshire.save()
    response = api_as(manager).patch(
        f"/api/v1/territories/{north_west.pk}/", {"parent": yorkshire.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["parent"] == [
        "A territory cannot sit inside itself or one of its own parts."
    ]
    north_west.refresh_from_db()
    assert north_west.parent is None
