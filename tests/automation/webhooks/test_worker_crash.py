"""A real worker killed during a delivery: another one delivers it, with the same id.

The worker is a separate `celery worker` process on Redis and the test's PostgreSQL
database; the receiver holds the first POST open while the test kills the worker
(SIGKILL, no goodbye). The claim it left behind is taken over once it is stale (the
test moves its clock back by CLAIM_TIMEOUT), the sweep queues the delivery, a second
worker sends it: the event arrives again with the same webhook-id and the outbox shows
it delivered.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from accounts import services as account_services
from automation.webhooks import delivery as webhook_delivery
from automation.webhooks import services
from automation.webhooks.models import WebhookDelivery
from automation.webhooks.tasks import sweep_webhook_deliveries_task
from salesproc.celery import app as celery_app
from salesproc.models import Event

pytestmark = pytest.mark.worker


def _start_worker(name):
    db = django_settings.DATABASES["default"]
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=django_settings.REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        DEBUG="true",
        WEBHOOKS_ALLOW_PRIVATE="true",
        DJANGO_SETTINGS_MODULE="salesproc.settings",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "salesproc", "worker", "--pool=solo"]
        + ["--loglevel=WARNING", "-n", f"{name}@%h", "--without-mingle", "--without-gossip"],
        cwd=django_settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture
def real_queue(transactional_db, settings):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and REDIS_URL (Redis) for worker processes")
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.control.purge()
    yield
    celery_app.conf.task_always_eager = True


def test_a_worker_killed_mid_delivery_loses_nothing(real_queue, admin, rep, receiver):
    hook = services.webhook_create(
        actor=admin, data={"url": receiver.url, "events": ["account.created"]}
    )
    receiver.hold = threading.Event()
    first = _start_worker("first")
    second = None
    try:
        account = account_services.account_create(actor=rep, data={"name": "Crash Test"})
        event = Event.objects.get(name="account.created", object_id=account.pk)
        assert receiver.wait_for(1, timeout=90), "the first worker never sent the delivery"
        _kill(first)  # mid-delivery: the receiver has the POST and has not answered
        receiver.hold.set()
        receiver.hold = None
        delivery = WebhookDelivery.objects.get(webhook=hook, event=event)
        assert delivery.status == "sending" and delivery.attempt == 1

        # CLAIM_TIMEOUT later, the claim of the dead worker is stale
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            claimed_at=timezone.now() - webhook_delivery.CLAIM_TIMEOUT - timedelta(seconds=1)
        )
        second = _start_worker("second")
        sweep_webhook_deliveries_task.delay()
        assert receiver.wait_for(2, timeout=90), "the second worker never sent it"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            delivery.refresh_from_db()
            if delivery.status == "delivered":
                break
            time.sleep(0.2)
        assert delivery.status == "delivered"
        ids = [r["headers"]["webhook-id"] for r in receiver.requests]
        assert ids == [f"evt_{event.pk}"] * 2
        assert event.deliveries.get(subscriber=webhook_delivery.SUBSCRIBER_KEY).status == (
            "delivered"
        )
    finally:
        _kill(first)
        if second is not None:
            _kill(second)
