from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from salesproc import events
from salesproc.models import Event, EventDelivery
from salesproc.tasks import dispatch_event_task, redispatch_pending_events_task


def _make_retries_due():
    """The backoff has passed: every waiting retry is due now."""
    EventDelivery.objects.filter(status="pending").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def received():
    calls = []
    events.subscribe("account.*", "tests.recorder", lambda event: calls.append(event.pk))
    yield calls
    events.unsubscribe("tests.recorder")


@pytest.mark.django_db(transaction=True)
def test_it_records_the_event_in_the_same_transaction(rep):
    with pytest.raises(RuntimeError), transaction.atomic():
        account_services.account_create(actor=rep, data={"name": "Rolled Back Ltd"})
        raise RuntimeError("boom")

    assert not Event.objects.filter(name="account.created").exists()


@pytest.mark.django_db(transaction=True)
def test_it_delivers_each_event_once_on_commit(rep, received):
    account = account_services.account_create(actor=rep, data={"name": "Acme"})

    event = Event.objects.get(name="account.created", object_id=account.pk)
    assert received == [event.pk]
    assert event.actor == rep
    event.refresh_from_db()
    assert event.dispatched_at is not None


@pytest.mark.django_db(transaction=True)
def test_it_delivers_once_when_dispatched_twice(rep, received):
    account = account_services.account_create(actor=rep, data={"name": "Acme"})
    event = Event.objects.get(name="account.created", object_id=account.pk)

    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    events.dispatch_event(event.pk)
    events.dispatch_event(event.pk)

    assert received == [event.pk]
    assert EventDelivery.objects.filter(event=event, subscriber="tests.recorder").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_leaves_an_event_pending_when_a_subscriber_fails_and_the_sweep_retries(rep):
    attempts = []

    def flaky(event):
        attempts.append(event.pk)
        if len(attempts) == 1:
            raise ValueError("temporary")

    events.subscribe("account.created", "tests.flaky", flaky)
    try:
        account = account_services.account_create(actor=rep, data={"name": "Acme"})
        event = Event.objects.get(name="account.created", object_id=account.pk)
        event.refresh_from_db()
        assert event.dispatched_at is None
        delivery = EventDelivery.objects.get(event=event, subscriber="tests.flaky")
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.last_error == "ValueError: temporary"

        _make_retries_due()
        redispatch_pending_events_task(older_than_seconds=0)

        event.refresh_from_db()
        assert event.dispatched_at is not None
        assert attempts == [event.pk, event.pk]
        assert EventDelivery.objects.filter(event=event, subscriber="tests.flaky").count() == 1
    finally:
        events.unsubscribe("tests.flaky")


@pytest.mark.django_db
def test_it_shows_events_on_the_record_timeline(client, rep):
    account = account_services.account_create(actor=rep, data={"name": "Acme"})
    account_services.account_update(actor=rep, account=account, data={"industry": "Energy"})
    client.force_login(rep)

    page = client.get(f"/accounts/companies/{account.pk}/").content.decode()

    assert "Account Acme created" in page
    assert "Changed industry" in page


@pytest.mark.worker
def test_it_delivers_through_a_real_worker_exactly_once(live_celery_worker, rep):
    import time

    calls = []
    events.subscribe("account.created", "tests.worker", lambda event: calls.append(event.pk))
    try:
        account = account_services.account_create(actor=rep, data={"name": "Worker Ltd"})
        event = Event.objects.get(name="account.created", object_id=account.pk)
        # a second dispatch of the same event must not deliver it again
        dispatch_event_task.delay(event.pk)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            event.refresh_from_db()
            if event.dispatched_at and EventDelivery.objects.filter(event=event).exists():
                break
            time.sleep(0.2)
        time.sleep(1.0)  # give the duplicate dispatch time to run

        assert event.dispatched_at is not None
        assert calls == [event.pk]
        assert EventDelivery.objects.filter(event=event, subscriber="tests.worker").count() == 1
    finally:
        events.unsubscribe("tests.worker")
