"""Settings -> Workflows: the list, the builder, switching on, history, run log, test."""

import pytest
from django.contrib.contenttypes.models import ContentType

from automation.workflows.models import WorkflowRule, WorkflowRun
from calls.models import Call
from salesproc.models import Event
from tests.calls.factories import complete, plan

pytestmark = pytest.mark.django_db

BASE = "/automation/workflows/"


def form(**overrides):
    data = {
        "name": "Follow up",
        "description": "",
        "trigger": "call.completed",
        "match": "all",
        "active": "on",
        "cond-count": "2",
        "cond-0-source": "record",
        "cond-0-field": "next_steps",
        "cond-0-op": "not_empty",
        "cond-0-value": "",
        "cond-1-source": "data",
        "cond-1-field": "",
        "cond-1-op": "equals",
        "cond-1-value": "",
        "action-count": "1",
        "action-0": "calls.plan_follow_up",
        "action-0-days": "5",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_builds_a_rule_in_the_form(client, admin):
    client.force_login(admin)
    assert client.get(BASE + "new/").status_code == 200
    # Choosing an action and asking for its settings saves nothing.
    response = client.post(BASE + "new/", form(**{"action-0-days": None, "refresh": "1"}))
    assert response.status_code == 200 and 'name="action-0-days"' in response.content.decode()
    assert not WorkflowRule.objects.filter(name="Follow up").exists()
    response = client.post(BASE + "new/", form())
    rule = WorkflowRule.objects.get(name="Follow up")
    assert response.status_code == 302 and response.url == rule.get_absolute_url()
    assert rule.active and rule.owner == admin
    assert rule.conditions == [
        {"source": "record", "field": "next_steps", "op": "not_empty", "value": ""}
    ]
    assert rule.actions == [{"action": "calls.plan_follow_up", "params": {"days": 5}}]
    page = client.get(rule.get_absolute_url()).content.decode()
    assert "Plan the follow-up call" in page and "next_steps is not empty" in page
    # Edit: an "is one of" condition, a second action; removing needs the empty choice.
    response = client.post(
        BASE + f"{rule.pk}/edit/",
        form(
            **{
                "cond-1-field": "duration_minutes",
                "cond-1-op": "in",
                "cond-1-value": "30, 45",
                "match": "any",
            }
        ),
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and rule.match == "any"
    assert rule.conditions[1] == {
        "source": "data",
        "field": "duration_minutes",
        "op": "in",
        "value": ["30", "45"],
    }
    history = client.get(BASE + f"{rule.pk}/history/").content.decode()
    assert (
        "Version 2" in history and "Version 1" in history and "Changed match, conditions" in history
    )


def test_bad_input_shows_the_errors_and_saves_nothing(client, admin):
    client.force_login(admin)
    response = client.post(
        BASE + "new/", form(trigger="nothing.here", **{"action-0": "", "cond-0-op": "gt"})
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "covers at least one event" in text and "Add at least one action" in text
    assert "give the value to compare with" in text
    assert not WorkflowRule.objects.filter(name="Follow up").exists()


def test_one_click_turns_on_a_shipped_example(client, admin):
    client.force_login(admin)
    rule = WorkflowRule.objects.get(example_key="follow_up_call")
    assert not rule.active
    page = client.get(BASE).content.decode()
    assert "Plan the follow-up call" in page and "Turn on" in page
    client.post(BASE + f"{rule.pk}/switch/", {"active": "on", "next": "list"})
    rule.refresh_from_db()
    assert rule.active and rule.versions.count() == 2
    client.post(BASE + f"{rule.pk}/switch/", {})
    rule.refresh_from_db()
    assert not rule.active and rule.version == 3


def test_the_shipped_examples_are_there_switched_off():
    keys = dict(WorkflowRule.objects.exclude(example_key="").values_list("example_key", "active"))
    assert keys == {
        "follow_up_call": False,
        "deal_for_qualified_lead": False,
        "intake_from_known_person": False,
        "big_deal_lost": False,
        "win_on_accepted_quote": False,
    }


def test_the_test_page_shows_what_would_happen_and_writes_nothing(client, admin, rep):
    client.force_login(admin)
    rule = WorkflowRule.objects.get(example_key="follow_up_call")
    complete(plan(rep), next_steps="Send the proposal")
    event = Event.objects.get(name="call.completed")
    before = (Call.objects.count(), Event.objects.count(), WorkflowRun.objects.count())
    page = client.get(BASE + f"{rule.pk}/test/").content.decode()
    assert f"#{event.pk} call.completed" in page
    page = client.get(BASE + f"{rule.pk}/test/?event={event.pk}").content.decode()
    assert "It would run" in page and "Would plan the follow-up" in page
    assert (Call.objects.count(), Event.objects.count(), WorkflowRun.objects.count()) == before


def test_reps_and_managers_get_404_on_every_page(client, rep, manager):
    rule = WorkflowRule.objects.get(example_key="follow_up_call")
    for user in (rep, manager):
        client.force_login(user)
        for path in (
            "",
            "new/",
            f"{rule.pk}/",
            f"{rule.pk}/edit/",
            f"{rule.pk}/history/",
            f"{rule.pk}/runs/",
            f"{rule.pk}/test/",
        ):
            assert client.get(BASE + path).status_code == 404, path
        assert client.post(BASE + f"{rule.pk}/switch/", {"active": "on"}).status_code == 404
        assert client.post(BASE + f"{rule.pk}/delete/").status_code == 404
    rule.refresh_from_db()
    assert not rule.active


def _runs(rule, count):
    ct = ContentType.objects.get_for_model(Event)
    events = Event.objects.bulk_create(
        [
            Event(content_type=ct, object_id=1, name="call.completed", summary=f"E{n}")
            for n in range(count)
        ]
    )
    WorkflowRun.objects.bulk_create(
        [WorkflowRun(rule=rule, event=e, status="skipped", reason="No") for e in events]
    )


def _rules(count):
    WorkflowRule.objects.bulk_create(
        [WorkflowRule(name=f"Rule {n}", trigger="deal.won", actions=[]) for n in range(count)]
    )


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_pages_run_a_bounded_number_of_queries(
    client, admin, rows, django_assert_max_num_queries
):
    client.force_login(admin)
    rule = WorkflowRule.objects.get(example_key="follow_up_call")
    _runs(rule, rows)
    _rules(rows)
    run = WorkflowRun.objects.filter(rule=rule).first()
    for path in (
        BASE,
        f"{BASE}{rule.pk}/",
        f"{BASE}{rule.pk}/runs/",
        f"{BASE}{rule.pk}/history/",
        f"{BASE}runs/{run.pk}/",
        f"{BASE}{rule.pk}/edit/",
        "/settings/events/catalogue/",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"{BASE}{rule.pk}/test/").status_code == 200


def test_the_run_page_shows_the_traceback_to_an_admin(client, admin):
    client.force_login(admin)
    rule = WorkflowRule.objects.get(example_key="follow_up_call")
    ct = ContentType.objects.get_for_model(Event)
    event = Event.objects.create(content_type=ct, object_id=1, name="call.completed")
    run = WorkflowRun.objects.create(
        rule=rule,
        event=event,
        status="failed",
        error="Boom",
        traceback="Traceback (most recent call last): here",
    )
    page = client.get(f"{BASE}runs/{run.pk}/").content.decode()
    assert "Boom" in page and "most recent call last" in page
