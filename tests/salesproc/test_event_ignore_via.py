"""A subscriber may ignore the events of some ways in (an import, a web form): those get no
delivery row for it, and a batch of them is closed without a claim per event."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesproc import events
from salesproc.models import Event, EventDelivery
from salesproc.tasks import dispatch_event_batch_task
from tests.factories import AccountFactory


@pytest.fixture
def only_ours(monkeypatch):
    monkeypatch.setattr(events, "_subscribers", {})
    seen = []
    events.subscribe(
        "account.created",
        "tests.quiet_on_import",
        lambda e: seen.append(e.pk),
        ignore_via=["import"],
    )
    return seen


def _events(count, via):
    owner = AccountFactory().owner
    accounts = [AccountFactory(owner=owner) for _ in range(count)]
    with events.acting_via(via):
        made = events.record_events_bulk(subjects=accounts, name="account.created", actor=owner)
    return [e.pk for e in made]


@pytest.mark.django_db
def test_a_batch_of_imported_events_is_closed_without_deliveries(only_ours):
    ids = _events(30, "import")

    with CaptureQueriesContext(connection) as captured:
        delivered = dispatch_event_batch_task(event_ids=ids)

    assert delivered == 0 and only_ours == []
    assert not EventDelivery.objects.filter(event_id__in=ids).exists()
    assert Event.objects.filter(pk__in=ids, dispatched_at__isnull=False).count() == 30
    assert len(captured.captured_queries) <= 3  # read the kinds, close them: not 30 × claims


@pytest.mark.django_db
def test_the_same_events_from_the_pages_still_reach_the_subscriber(only_ours):
    ids = _events(3, "web")

    delivered = dispatch_event_batch_task(event_ids=ids)

    assert delivered == 3 and sorted(only_ours) == sorted(ids)
    assert EventDelivery.objects.filter(event_id__in=ids, status="delivered").count() == 3
    assert events.subscribers_for("account.created", "import") == []
    assert [key for key, _ in events.subscribers_for("account.created", "web")] == [
        "tests.quiet_on_import"
    ]
