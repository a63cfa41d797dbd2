"""Giving planned calls to another owner: one (service, API) or many (bulk action)."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from calls import services
from calls.models import Call
from salesproc.bulk_actions.models import BulkJob
from salesproc.bulk_actions.services import NOT_FOUND
from salesproc.models import Event, Notification

from .factories import call_in_status, plan

pytestmark = pytest.mark.django_db

BULK = "/api/v1/bulk-actions/"


def test_a_manager_gives_a_planned_call_to_a_teammate(manager, rep, teammate):
    call = plan(rep)
    services.call_reassign(actor=manager, call=call, owner=teammate)
    call.refresh_from_db()
    assert call.owner == teammate
    event = Event.objects.get(name="call.reassigned")
    assert event.actor == manager
    assert event.data == {"owner": [rep.display_name, teammate.display_name], "handover": False}
    assert Notification.objects.filter(recipient=teammate, text__contains="gave you a call")


def test_a_held_call_keeps_its_owner_with_the_reason(manager, rep, teammate):
    call = call_in_status(rep, Call.Status.COMPLETED)
    with pytest.raises(ValidationError) as exc:
        services.call_reassign(actor=manager, call=call, owner=teammate)
    assert "already been logged" in exc.value.message_dict["status"][0]
    assert Call.objects.get(pk=call.pk).owner == rep
    assert not Event.objects.filter(name="call.reassigned").exists()


def test_who_may_reassign_whom(manager, rep, teammate, other_rep, other_manager, admin):
    call = plan(rep)
    with pytest.raises(ValidationError) as exc:  # a rep gives calls only to themselves
        services.call_reassign(actor=rep, call=call, owner=teammate)
    assert "yourself or your team" in exc.value.message_dict["owner"][0]
    with pytest.raises(ValidationError):  # a manager not to another team
        services.call_reassign(actor=manager, call=call, owner=other_rep)
    with pytest.raises(Http404):  # another team's manager does not see the call
        services.call_reassign(actor=other_manager, call=call, owner=other_rep)
    assert Call.objects.get(pk=call.pk).owner == rep
    services.call_reassign(actor=admin, call=call, owner=other_rep)  # an admin: anyone
    assert Call.objects.get(pk=call.pk).owner == other_rep


def test_the_api_reassigns_and_answers_400_and_404(api_as, manager, rep, teammate, other_manager):
    call = plan(rep)
    url = f"/api/v1/calls/{call.pk}/reassign/"
    response = api_as(manager).post(url, {"owner": teammate.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["owner"] == teammate.pk
    assert api_as(manager).post(url, {}, format="json").status_code == 400
    assert "owner" in api_as(manager).post(url, {"owner": 999999}, format="json").json()
    response = api_as(other_manager).post(url, {"owner": other_manager.pk}, format="json")
    assert response.status_code == 404
    held = call_in_status(rep, Call.Status.COMPLETED)
    response = api_as(manager).post(
        f"/api/v1/calls/{held.pk}/reassign/", {"owner": teammate.pk}, format="json"
    )
    assert response.status_code == 400 and "status" in response.json()
    assert Call.objects.get(pk=call.pk).owner == teammate
    assert Call.objects.get(pk=held.pk).owner == rep


def test_the_bulk_action_reassigns_planned_calls_and_reports_the_rest(
    api_as, manager, rep, teammate, other_rep
):
    planned = [plan(rep), plan(rep)]
    held = call_in_status(rep, Call.Status.COMPLETED)
    theirs = plan(other_rep)
    ids = [c.pk for c in planned] + [held.pk, theirs.pk]
    response = api_as(manager).post(
        BULK,
        {"record_type": "call", "action": "reassign", "ids": ids, "params": {"owner": teammate.pk}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["changed"], body["skipped"]) == (2, 2)
    reasons = {r["record_id"]: r["reason"] for r in body["rows"] if r["outcome"] == "skipped"}
    assert reasons[theirs.pk] == NOT_FOUND
    assert "already been logged" in reasons[held.pk]
    owners = dict(Call.objects.filter(pk__in=ids).values_list("pk", "owner"))
    assert owners == {
        planned[0].pk: teammate.pk,
        planned[1].pk: teammate.pk,
        held.pk: rep.pk,
        theirs.pk: other_rep.pk,
    }
    assert Event.objects.filter(name="call.reassigned", actor=manager).count() == 2


def test_the_bulk_reassign_needs_an_owner_on_the_page_and_over_the_api(
    client, api_as, manager, rep
):
    call = plan(rep)
    response = api_as(manager).post(
        BULK, {"record_type": "call", "action": "reassign", "ids": [call.pk]}, format="json"
    )
    assert response.status_code == 400 and "owner" in response.json()
    client.force_login(manager)
    response = client.post(
        reverse("bulk_actions:start", args=["call"]),
        {"action": "reassign", "ids": [call.pk], "owner": "", "next": "/calls/all/"},
        follow=True,
    )
    assert "Choose the new owner." in response.content.decode()
    assert not BulkJob.objects.exists()
    assert Call.objects.get(pk=call.pk).owner == rep
