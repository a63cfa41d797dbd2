"""The home page's aggregating widgets are kept a minute per person and dropped as soon as
an event that changes them is recorded (on commit, with no delivery row for it)."""

import pytest
from django.utils import timezone

from calls.models import Call
from salesproc import home_cache
from salesproc.models import EventDelivery
from tests.calls.factories import plan
from tests.factories import AccountFactory, LeadFactory

KEPT = ("calls.today", "deals.my_open_deals", "deals.month_plan", "leads.to_work", "accounts.mine")


def _widget(response, key):
    return next(w for w in response.context["widgets"] if w["key"] == key)["context"]


@pytest.mark.django_db
def test_the_calls_figures_are_kept_until_a_call_event_is_recorded(
    client, rep, django_capture_on_commit_callbacks
):
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    client.force_login(rep)
    first = _widget(client.get("/"), "calls.today")
    # a change no event records (a bulk update) is not seen while the figures are kept
    with django_capture_on_commit_callbacks(execute=True):
        call = plan(rep, when=noon)
    seen = _widget(client.get("/"), "calls.today")
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CANCELLED)
    kept = _widget(client.get("/"), "calls.today")
    with django_capture_on_commit_callbacks(execute=True):
        plan(rep, when=noon)  # records call.planned: the kept figures go
    after = _widget(client.get("/"), "calls.today")

    assert first["today"] == [] and [c.pk for c in seen["today"]] == [call.pk]
    assert [c.pk for c in kept["today"]] == [call.pk]  # kept: the update recorded no event
    assert len(after["today"]) == 1 and after["today"][0].pk != call.pk  # cancelled: gone


@pytest.mark.django_db
def test_each_person_has_their_own_kept_figures(client, rep, roles, north):
    from tests.factories import UserFactory

    other = UserFactory(username="dora", role=roles["inside-rep"], team=north)
    LeadFactory(owner=rep)
    client.force_login(rep)
    mine = _widget(client.get("/"), "leads.to_work")
    client.force_login(other)
    theirs = _widget(client.get("/"), "leads.to_work")
    assert (mine["to_work"], theirs["to_work"]) == (1, 0)


@pytest.mark.django_db
def test_invalidation_writes_no_delivery_rows(rep, django_capture_on_commit_callbacks):
    from accounts.services import account_create

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        account_create(actor=rep, data={"name": "Acme", "owner": rep})
    assert home_cache.invalidate in callbacks
    for callback in callbacks:
        callback()
    assert not EventDelivery.objects.filter(subscriber__startswith="accounts.home").exists()
    assert all(home_cache.watches(f"{kind}.created") for kind in ("call", "deal", "lead"))
    assert not home_cache.watches("webhook.created")
    AccountFactory(owner=rep)  # no event: nothing to drop


def test_the_aggregating_widgets_are_the_kept_ones():
    from salesproc.registry import registry

    kept = {w.key for w in registry.widgets if w.cache_seconds}
    assert kept == set(KEPT)
    assert all(w.invalidated_by for w in registry.widgets if w.cache_seconds)
