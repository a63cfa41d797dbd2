"""Held and cancelled calls update the pattern they were planned from (an event
subscriber): a held visit counts as held; a cancelled one shows as cancelled, the
account needs a visit again, and accepting its week plans one new call for it."""

import pytest
from django.urls import reverse

from calls.models import Call
from calls.services import call_cancel, call_complete, call_reschedule
from territories.models import PatternVisit

from .test_call_patterns import field_territory  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(api_as, teammate, field_territory):  # noqa: F811
    client = api_as(teammate)
    pattern = client.post(
        "/api/v1/call-patterns/",
        {"rep": teammate.pk, "weeks": 2, "capacity": {"visits_per_day": 2, "working_days": 3}},
        format="json",
    ).json()
    calls = client.post(
        f"/api/v1/call-patterns/{pattern['id']}/accept/", {"weeks": [1]}, format="json"
    ).json()["calls"]
    assert len(calls) >= 2
    return client, pattern["id"], calls


def visit_of(call_id):
    return PatternVisit.objects.get(call_id=call_id)


def test_held_and_cancelled_calls_update_the_pattern(
    accepted, teammate, client, django_capture_on_commit_callbacks
):
    api, pattern_id, calls = accepted
    assert {visit_of(c).status for c in calls} == {"planned"}
    held, cancelled = Call.objects.get(pk=calls[0]), Call.objects.get(pk=calls[1])
    with django_capture_on_commit_callbacks(execute=True):
        call_complete(actor=teammate, call=held, outcome="Went well: order expected in May")
    with django_capture_on_commit_callbacks(execute=True):
        call_cancel(actor=teammate, call=cancelled, reason="Customer closed that day")
    assert visit_of(held.pk).status == "held"
    cancelled_visit = visit_of(cancelled.pk)
    assert cancelled_visit.status == "cancelled"

    body = api.get(f"/api/v1/call-patterns/{pattern_id}/").json()
    statuses = {v["call"]: v["status"] for w in body["weeks"] for v in w["visits"]}
    assert statuses[held.pk] == "held" and statuses[cancelled.pk] == "cancelled"

    client.force_login(teammate)
    page = client.get(reverse("territories:pattern_detail", args=[pattern_id]))
    assert page.status_code == 200
    assert "need a visit" in page.content.decode()
    assert page.context["tallies"]["held"] == 1
    assert page.context["tallies"]["cancelled"] == 1
    assert [v.pk for v in page.context["tallies"]["needs_visit"]] == [cancelled_visit.pk]
    assert not page.context["weeks"][0]["accepted"]

    # The account needs a visit again: accepting the week plans a new call for it only,
    # and accepting once more plans nothing.
    again = api.post(
        f"/api/v1/call-patterns/{pattern_id}/accept/", {"weeks": [1]}, format="json"
    ).json()["calls"]
    assert len(again) == 1
    cancelled_visit.refresh_from_db()
    assert cancelled_visit.call_id == again[0] and cancelled_visit.status == "planned"
    new_call = Call.objects.get(pk=again[0])
    assert new_call.status == "planned" and new_call.account_id == cancelled.account_id
    assert api.post(
        f"/api/v1/call-patterns/{pattern_id}/accept/", {"weeks": [1]}, format="json"
    ).json() == {"calls": []}


def test_a_rescheduled_call_keeps_its_visit(accepted, teammate, django_capture_on_commit_callbacks):
    _client, _pattern_id, calls = accepted
    call = Call.objects.get(pk=calls[0])
    visit = visit_of(call.pk)
    with django_capture_on_commit_callbacks(execute=True):
        successor = call_reschedule(
            actor=teammate, call=call, scheduled_at=call.scheduled_at.replace(hour=15)
        )
    visit.refresh_from_db()
    assert (visit.call_id, visit.status) == (successor.pk, "planned")


def test_a_cancelled_visit_counts_in_the_coverage_pattern_tally(
    accepted, teammate, north_west, django_capture_on_commit_callbacks
):
    _api, _pattern_id, calls = accepted
    with django_capture_on_commit_callbacks(execute=True):
        call_cancel(actor=teammate, call=Call.objects.get(pk=calls[0]))
    from territories.coverage.selectors import _pattern_progress

    pattern = PatternVisit.objects.get(call_id=calls[0]).pattern
    from datetime import datetime, time

    from django.utils import timezone

    during = timezone.make_aware(datetime.combine(pattern.starts_on, time(18)))
    progress = _pattern_progress([north_west], during)
    assert (progress["cancelled"], progress["held"]) == (1, 0)
