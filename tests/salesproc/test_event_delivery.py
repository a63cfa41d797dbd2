"""Per-subscriber delivery: claims, outcomes, retries with backoff, giving up, and no
handler ever running inside a transaction or under a lock on the event."""

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts import services as account_services
from salesproc import events
from salesproc.models import Event, EventDelivery
from salesproc.tasks import (
    dispatch_event_batch_task,
    pending_event_ids,
    redispatch_pending_events_task,
)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and threads need PostgreSQL"
)


def _make_retries_due():
    EventDelivery.objects.filter(status="pending").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def subscriber(monkeypatch):
    """subscriber(handler, atomic=True, pattern="account.created") registers for the test.

    Only the test's own subscribers are registered meanwhile: the apps' subscribers (the
    territories app places every created account) would add deliveries these tests count.
    """
    monkeypatch.setattr(events, "_subscribers", {})
    keys = []

    def add(handler, *, key="tests.sub", atomic=True, pattern="account.created"):
        events.subscribe(pattern, key, handler, atomic=atomic)
        keys.append(key)

    yield add
    for key in keys:
        events.unsubscribe(key)


def _account_event(rep, name="Acme"):
    account = account_services.account_create(actor=rep, data={"name": name})
    return Event.objects.get(name="account.created", object_id=account.pk)


def test_it_waits_longer_after_each_failure_up_to_an_hour():
    assert [events.backoff(n).total_seconds() for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
    ]


@pytest.mark.django_db(transaction=True)
def test_it_records_a_failure_and_does_not_retry_before_the_backoff(rep, subscriber):
    attempts = []

    def failing(event):
        attempts.append(event.pk)
        raise ConnectionError("webhook answered 502")

    subscriber(failing)
    before = timezone.now()
    event = _account_event(rep)

    delivery = EventDelivery.objects.get(event=event, subscriber="tests.sub")
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.last_error == "ConnectionError: webhook answered 502"
    assert before + timedelta(seconds=29) < delivery.next_attempt_at
    assert delivery.next_attempt_at < timezone.now() + timedelta(seconds=31)

    # The sweep passes over it until the retry is due, and a second dispatch does nothing.
    assert pending_event_ids(older_than_seconds=0) == []
    assert redispatch_pending_events_task(older_than_seconds=0) == 0
    assert events.dispatch_event(event.pk) == 0
    assert attempts == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is None


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_after_the_limit_logs_it_and_closes_the_event(rep, subscriber, caplog):
    calls = []
    subscriber(lambda event: (_ for _ in ()).throw(ValueError("bad payload")), key="tests.bad")
    subscriber(lambda event: calls.append(event.pk), key="tests.good")
    event = _account_event(rep)
    assert calls == [event.pk]

    for _ in range(events.MAX_ATTEMPTS + 2):
        _make_retries_due()
        redispatch_pending_events_task(older_than_seconds=0)

    bad = EventDelivery.objects.get(event=event, subscriber="tests.bad")
    assert bad.status == "failed"
    assert bad.attempts == events.MAX_ATTEMPTS
    assert bad.last_error == "ValueError: bad payload"
    assert bad.failed_at is not None
    good = EventDelivery.objects.get(event=event, subscriber="tests.good")
    assert (good.status, good.attempts) == ("delivered", 1)
    assert calls == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    gave_up = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(gave_up) == 1
    assert "tests.bad gave up on event" in gave_up[0].getMessage()
    assert f"after {events.MAX_ATTEMPTS} attempts" in gave_up[0].getMessage()


@pytest.mark.django_db(transaction=True)
def test_a_database_subscriber_commits_its_writes_only_with_its_delivery(rep, subscriber):
    def writes_then_fails(event):
        Event.objects.filter(pk=event.pk).update(summary="written by the handler")
        raise RuntimeError("after writing")

    subscriber(writes_then_fails)
    event = _account_event(rep)

    event.refresh_from_db()
    assert event.summary == "Account Acme created"  # rolled back with the failed attempt


@pytest.mark.django_db(transaction=True)
def test_a_calling_out_subscriber_runs_with_no_transaction_open(rep, subscriber):
    seen = []
    subscriber(lambda event: seen.append(connection.in_atomic_block), atomic=False)

    _account_event(rep)

    assert seen == [False]


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("atomic", [True, False])
def test_no_lock_on_the_event_is_held_while_a_subscriber_runs(rep, subscriber, atomic):
    lockable = []

    def try_to_lock(event_id):
        try:
            with transaction.atomic():
                list(Event.objects.select_for_update(nowait=True).filter(pk=event_id))
            lockable.append(True)
        except Exception as exc:  # DatabaseError: could not obtain lock
            lockable.append(exc.__class__.__name__)
        finally:
            connections.close_all()

    def handler(event):
        thread = threading.Thread(target=try_to_lock, args=(event.pk,))
        thread.start()
        thread.join()

    subscriber(handler, atomic=atomic)
    _account_event(rep)

    assert lockable == [True]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_delivers_once_per_subscriber_when_dispatched_concurrently(rep, subscriber):
    calls = {"tests.a": [], "tests.b": []}
    lock = threading.Lock()

    def slow(key):
        def handler(event):
            time.sleep(0.2)
            with lock:
                calls[key].append(event.pk)

        return handler

    event = _account_event(rep)  # nobody subscribed yet: dispatched, reopen it
    subscriber(slow("tests.a"), key="tests.a")
    subscriber(slow("tests.b"), key="tests.b", atomic=False)
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    start = threading.Barrier(6)
    results = []

    def dispatch(kind):
        try:
            start.wait()
            if kind == "batch":
                results.append(dispatch_event_batch_task(event_ids=[event.pk]))
            else:
                results.append(events.dispatch_event(event.pk))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=dispatch, args=("batch" if i % 2 else "one",)) for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert calls == {"tests.a": [event.pk], "tests.b": [event.pk]}
    assert sum(results) == 2
    assert list(
        EventDelivery.objects.filter(event=event)
        .order_by("subscriber")
        .values_list("subscriber", "status", "attempts")
    ) == [("tests.a", "delivered", 1), ("tests.b", "delivered", 1)]
    event.refresh_from_db()
    assert event.dispatched_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_batch_task_and_the_sweep_never_deliver_twice(rep, subscriber):
    calls = []
    subscriber(lambda event: calls.append(event.pk))
    event = _account_event(rep)
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if the mark was lost

    dispatch_event_batch_task([event.pk])
    redispatch_pending_events_task(older_than_seconds=0)

    assert calls == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_dead_workers_claim_is_taken_again_after_the_timeout(rep, subscriber):
    calls = []
    event = _account_event(rep)
    subscriber(lambda event: calls.append(event.pk))
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    EventDelivery.objects.create(
        event=event, subscriber="tests.sub", status="running", attempts=1, claimed_at=timezone.now()
    )

    assert events.dispatch_event(event.pk) == 0  # running elsewhere: left alone
    EventDelivery.objects.filter(event=event).update(
        claimed_at=timezone.now() - events.CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    assert events.dispatch_event(event.pk) == 1

    assert calls == [event.pk]
    delivery = EventDelivery.objects.get(event=event, subscriber="tests.sub")
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


@pytest.mark.django_db(transaction=True)
def test_an_admin_sees_a_given_up_delivery_and_retries_it(client, rep, admin, subscriber):
    broken = {"yes": True}

    def handler(event):
        if broken["yes"]:
            raise ValueError("template missing")

    subscriber(handler, key="tests.mailer")
    event = _account_event(rep)
    EventDelivery.objects.filter(event=event).update(
        status="failed", attempts=events.MAX_ATTEMPTS, failed_at=timezone.now()
    )
    Event.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
    client.force_login(admin)

    page = client.get("/settings/events/").content.decode()
    assert "tests.mailer" in page
    assert "ValueError: template missing" in page
    assert "Given up" in page
    assert "Event deliveries" in client.get("/settings/").content.decode()

    broken["yes"] = False
    response = client.post(f"/settings/events/{EventDelivery.objects.get(event=event).pk}/retry/")

    assert response.status_code == 302
    delivery = EventDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    event.refresh_from_db()
    assert event.dispatched_at is not None


@pytest.mark.django_db
def test_a_rep_cannot_open_or_use_the_deliveries_page(client, rep):
    client.force_login(rep)

    assert client.get("/settings/events/").status_code == 404
    assert client.post("/settings/events/1/retry/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_sweep_dispatches_what_the_broker_missed_in_chunks(rep, subscriber):
    from unittest import mock

    from salesproc import tasks

    calls = []
    subscriber(lambda event: calls.append(event.pk))
    with mock.patch.object(events, "_enqueue"):  # the broker was down for these
        created = [_account_event(rep, name=f"Company {n}") for n in range(5)]
    assert calls == []

    with mock.patch.object(tasks, "SWEEP_CHUNK", 2):
        batches = []
        real_delay = dispatch_event_batch_task.delay
        with mock.patch.object(
            dispatch_event_batch_task,
            "delay",
            side_effect=lambda ids: (batches.append(ids), real_delay(ids)),
        ):
            assert redispatch_pending_events_task(older_than_seconds=0) == 5

    ids = [event.pk for event in created]
    assert batches == [ids[0:2], ids[2:4], ids[4:5]]
    assert calls == ids
    assert Event.objects.filter(pk__in=ids, dispatched_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_the_deliveries_page_lists_problems_in_a_constant_number_of_queries(
    client, rep, admin, django_assert_max_num_queries
):
    for n in range(12):
        event = events.record_event(subject=rep, name="login.unlocked", summary=f"Touch {n}")
        EventDelivery.objects.create(
            event=event,
            subscriber=f"tests.hook{n}",
            status="failed" if n % 2 else "pending",
            attempts=events.MAX_ATTEMPTS if n % 2 else 2,
            last_error=f"HTTPError: 50{n % 10}",
            next_attempt_at=timezone.now(),
        )
    EventDelivery.objects.create(event=event, subscriber="tests.ok", status="delivered", attempts=1)
    client.force_login(admin)

    with django_assert_max_num_queries(8):
        page = client.get("/settings/events/").content.decode()

    assert page.count("<td>tests.hook") == 12
    assert "tests.ok" not in page
    assert "6 given up · 6 waiting to retry" in page
    assert page.count(">Retry</button>") == 6
