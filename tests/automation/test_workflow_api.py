"""/api/v1/workflows/, /api/v1/workflow-runs/ and /api/v1/events/catalogue/: admins only."""

import pytest

from automation.workflows.models import WorkflowRule, WorkflowRun
from calls.models import Call
from salesproc.models import Event
from tests.calls.factories import complete, plan
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Follow up",
    "trigger": "call.completed",
    "match": "all",
    "conditions": [{"source": "record", "field": "next_steps", "op": "not_empty"}],
    "actions": [{"action": "calls.plan_follow_up", "params": {"days": 3}}],
    "active": True,
}


def test_an_admin_creates_edits_tests_and_reads_the_log(admin, rep):
    api = api_for(admin)
    response = api.post("/api/v1/workflows/", RULE, format="json")
    assert response.status_code == 201, response.json()
    rule_id = response.json()["id"]
    assert response.json()["version"] == 1 and response.json()["owner"] == admin.pk
    response = api.patch(f"/api/v1/workflows/{rule_id}/", {"active": False}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    history = api.get(f"/api/v1/workflows/{rule_id}/history/").json()
    assert [v["version"] for v in history] == [2, 1] and history[0]["note"] == "Changed active"

    call = complete(plan(rep), next_steps="Send the proposal")
    calls_before = Call.objects.count()
    response = api.post(f"/api/v1/workflows/{rule_id}/test/", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["matched"] and body["event"] == Event.objects.get(name="call.completed").pk
    assert "Would plan the follow-up" in body["actions"][0]["result"]
    assert Call.objects.count() == calls_before  # nothing written

    WorkflowRun.objects.create(
        rule_id=rule_id,
        event=Event.objects.get(name="call.completed"),
        status="failed",
        error="Boom",
        traceback="Traceback (most recent call last): ...",
    )
    runs = api.get(f"/api/v1/workflow-runs/?rule={rule_id}").json()
    assert runs["count"] == 1 and runs["results"][0]["traceback"].startswith("Traceback")
    assert call.pk  # the call is the subject of the event tested


@pytest.mark.parametrize("who", ["rep", "manager", "other_rep"])
def test_a_rep_or_manager_gets_403_on_the_collections_and_404_on_an_id(who, request, admin):
    user = request.getfixturevalue(who)
    rule = WorkflowRule.objects.create(name="Secret", trigger="deal.won", actions=[])
    event = Event.objects.create(content_type_id=1, object_id=1, name="deal.won")
    run = WorkflowRun.objects.create(rule=rule, event=event)
    rules_before = WorkflowRule.objects.count()
    api = api_for(user)
    assert api.get("/api/v1/workflows/").status_code == 403
    assert api.post("/api/v1/workflows/", RULE, format="json").status_code == 403
    assert api.get("/api/v1/workflow-runs/").status_code == 403
    assert api.get("/api/v1/events/catalogue/").status_code == 403
    assert api.get(f"/api/v1/workflows/{rule.pk}/").status_code == 404
    assert (
        api.patch(f"/api/v1/workflows/{rule.pk}/", {"active": True}, format="json").status_code
        == 404
    )
    assert api.post(f"/api/v1/workflows/{rule.pk}/test/", {}, format="json").status_code == 404
    assert api.delete(f"/api/v1/workflows/{rule.pk}/").status_code == 404
    assert api.get(f"/api/v1/workflow-runs/{run.pk}/").status_code == 404
    rule.refresh_from_db()
    assert not rule.active and WorkflowRule.objects.count() == rules_before
    assert api_for(admin).get("/api/v1/workflows/").status_code == 200


def test_anonymous_gets_no_rules(client, api):
    assert api.get("/api/v1/workflows/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"trigger": "nothing.matches"}, "trigger"),
        ({"match": "some"}, "match"),
        ({"actions": []}, "actions"),
        ({"actions": [{"action": "no.such"}]}, "actions"),
        ({"actions": [{"action": "calls.plan_follow_up", "params": {"days": "soon"}}]}, "actions"),
        ({"trigger": "deal.won"}, "actions"),  # a call action on a deal event
        ({"conditions": [{"source": "record", "field": "amount", "op": "gt"}]}, "conditions"),
        ({"conditions": [{"source": "record", "field": "_state", "op": "empty"}]}, "conditions"),
        ({"conditions": [{"source": "elsewhere", "field": "x", "op": "empty"}]}, "conditions"),
        (
            {"conditions": [{"source": "record", "field": "owner.password", "op": "empty"}]},
            "conditions",
        ),
        ({"conditions": [{"field": "x", "op": "like", "value": 1}]}, "conditions"),
    ],
)
def test_bad_input_answers_400_with_field_errors(admin, change, field):
    response = api_for(admin).post("/api/v1/workflows/", {**RULE, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not WorkflowRule.objects.filter(name="Follow up").exists()


def test_the_catalogue_lists_every_event_with_its_example(admin):
    body = api_for(admin).get("/api/v1/events/catalogue/").json()
    names = {item["name"]: item for item in body}
    assert {"deal.won", "lead.qualified", "call.completed", "lead.intake_received"} <= set(names)
    assert names["deal.won"]["record"] == "deal" and "amount" in names["deal.won"]["example"]


def test_the_api_docs_describe_the_events(admin, client):
    client.force_login(admin)
    response = client.get("/api/schema/")
    text = response.content.decode()
    assert "events/catalogue" in text and "`deal.won`" in text and "`call.completed`" in text
