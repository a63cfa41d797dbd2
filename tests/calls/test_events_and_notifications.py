"""Each step leaves an event on the call and in the timelines of what it is about;
the manager hears of a debrief waiting, the rep of a review."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from calls import services
from calls.models import Call
from salesproc.events import timeline_for
from salesproc.models import Event, Notification
from tests.factories import ContactFactory, DealFactory, LeadFactory

from .factories import complete, debrief, plan, review

pytestmark = pytest.mark.django_db


def _call_events(call):
    ct = ContentType.objects.get_for_model(Call)
    return list(
        Event.objects.filter(content_type=ct, object_id=call.pk)
        .order_by("created_at", "id")
        .values_list("name", flat=True)
    )


def test_it_records_an_event_for_every_step(rep, manager):
    call = plan(rep)
    complete(call)
    debrief(call)
    review(call, manager)
    services.call_acknowledge_review(actor=rep, call=call)

    assert _call_events(call) == [
        "call.planned",
        "call.completed",
        "call.debriefed",
        "call.reviewed",
        "call.review_acknowledged",
    ]


def test_it_records_cancel_no_show_and_reschedule(rep):
    cancelled = plan(rep)
    services.call_cancel(actor=rep, call=cancelled)
    missed = plan(rep)
    services.call_mark_no_show(actor=rep, call=missed)
    moved = plan(rep)
    services.call_reschedule(actor=rep, call=moved, scheduled_at=moved.scheduled_at)

    assert _call_events(cancelled) == ["call.planned", "call.cancelled"]
    assert _call_events(missed) == ["call.planned", "call.no_show"]
    assert _call_events(moved) == ["call.planned", "call.rescheduled"]


def test_the_call_shows_in_the_timeline_of_contact_account_and_deal(rep):
    contact = ContactFactory(owner=rep)
    deal = DealFactory(owner=rep, account=contact.account)
    call = plan(rep, contact=contact, deal=deal, purpose="Agree the pilot")
    complete(call)

    for record in (contact, contact.account, deal):
        names = [e.name for e in timeline_for(record, user=rep)]
        assert names[:2] == ["call.completed", "call.planned"], record
    summaries = [e.summary for e in timeline_for(contact, user=rep)]
    assert "Call held: Agree the pilot. Asked 1 of 2 planned questions." in summaries


def test_the_call_shows_in_the_timeline_of_its_lead(rep):
    lead = LeadFactory(owner=rep)

    plan(rep, contact=None, lead=lead)

    assert [e.name for e in timeline_for(lead, user=rep)][:1] == ["call.planned"]


def test_it_tells_the_manager_a_debrief_waits_and_the_rep_when_reviewed(
    rep, manager, django_capture_on_commit_callbacks
):
    call = complete(plan(rep, purpose="Qualify Acme"))
    mail.outbox.clear()
    assert not Notification.objects.filter(recipient=manager).exists()

    with django_capture_on_commit_callbacks(execute=True):
        debrief(call)

    to_manager = Notification.objects.get(recipient=manager)
    assert to_manager.text == f"{rep.display_name} asks you to review a call: Qualify Acme"
    assert to_manager.url == f"/calls/{call.pk}/review/"
    assert [m.to for m in mail.outbox] == [[manager.email]]

    with django_capture_on_commit_callbacks(execute=True):
        review(call, manager)

    to_rep = Notification.objects.get(recipient=rep)
    assert to_rep.text == f"{manager.display_name} reviewed your call: Qualify Acme"
    assert to_rep.url == f"/calls/{call.pk}/"
    assert [m.to for m in mail.outbox] == [[manager.email], [rep.email]]


def test_it_does_not_bother_the_manager_without_a_review_request(
    rep, manager, django_capture_on_commit_callbacks
):
    call = complete(plan(rep))

    with django_capture_on_commit_callbacks(execute=True):
        debrief(call, request_review=False)

    assert not Notification.objects.filter(recipient=manager).exists()


def test_a_review_asked_for_later_tells_the_manager_once(
    rep, manager, django_capture_on_commit_callbacks
):
    from salesproc.events import dispatch_event

    call = debrief(complete(plan(rep, purpose="Qualify Acme")), request_review=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.call_request_review(actor=rep, call=call)
    event = Event.objects.get(name="call.review_requested")
    event.dispatched_at = None  # handed over a second time, as after a retry
    event.save(update_fields=["dispatched_at"])
    dispatch_event(event.pk)

    assert list(Notification.objects.filter(recipient=manager).values_list("text", flat=True)) == [
        f"{rep.display_name} asks you to review a call: Qualify Acme"
    ]


def test_notifications_are_subscribers_of_the_calls_events():
    from salesproc.events import subscribers_for

    assert "calls.notify_reviewers" in dict(subscribers_for("call.debriefed"))
    assert "calls.notify_rep_of_review" in dict(subscribers_for("call.reviewed"))
    assert "calls.notify_reviewers_later" in dict(subscribers_for("call.review_requested"))
