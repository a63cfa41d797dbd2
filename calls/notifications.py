"""Who hears of a call's steps: subscribers to its events, registered in CallsConfig.ready().

A debrief that asks for a review (or a review asked for later) tells the owner's team
manager; a review tells the rep. Each notification has a key, so an event handed over
twice notifies once.
"""

from django.urls import reverse

from salesproc import events
from salesproc.services import notify

from .models import Call


def _reviewers_of(call):
    """The owner's team manager (admins may review too, but are not asked)."""
    team = call.owner.team
    if team is None or team.manager_id is None or team.manager_id == call.owner_id:
        return []
    return [team.manager]


def _call_of(event):
    return Call.objects.select_related("owner__team__manager").filter(pk=event.object_id).first()


def notify_reviewers(event):
    """call.debriefed (with a review requested) or call.review_requested: ask the manager."""
    if event.name == "call.debriefed" and not event.data.get("review_requested"):
        return
    call = _call_of(event)
    if call is None:
        return
    for manager in _reviewers_of(call):
        notify(
            recipient=manager,
            text=f"{call.owner.display_name} asks you to review a call: {call.purpose}",
            url=reverse("calls:call_review", args=[call.pk]),
            key=f"call-review-requested-{call.pk}",
            email=True,
            kind="review_requested",
        )


def notify_rep_of_review(event):
    """call.reviewed: tell the rep who reviewed their call."""
    call = _call_of(event)
    if call is None or event.actor_id is None:
        return
    reviewer = event.actor
    notify(
        recipient=call.owner,
        text=f"{reviewer.display_name} reviewed your call: {call.purpose}",
        url=reverse("calls:call_detail", args=[call.pk]),
        key=f"call-reviewed-{call.pk}",
        email=True,
        kind="review_done",
    )


def register():
    events.subscribe("call.debriefed", "calls.notify_reviewers", notify_reviewers)
    events.subscribe("call.review_requested", "calls.notify_reviewers_later", notify_reviewers)
    events.subscribe("call.reviewed", "calls.notify_rep_of_review", notify_rep_of_review)
