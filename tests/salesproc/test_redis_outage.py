"""Redis down delays work but loses nothing (README): a test kills its own Redis.

The test starts a redis-server on a free port, points the cache and the Celery broker at
it, kills it, and uses the product: the token endpoint (throttled through the cache), the
public intake endpoint (throttled, enqueues a task) and an API create (enqueues its event)
all answer as usual and quickly. When Redis returns, the sweeps re-dispatch through a real
worker and every event reaches each subscriber exactly once.
"""

import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from salesproc import events
from salesproc.celery import app as celery_app
from salesproc.models import Event, EventDelivery
from salesproc.tasks import redispatch_pending_events_task
from tests.leads.intake_factories import IntakeFormFactory

pytestmark = pytest.mark.worker

REDIS_SERVER = shutil.which("redis-server")
SLOW_REQUEST_SECONDS = 5


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    def __init__(self, directory):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill()


def _reset_broker_connections():
    """Forget the pools made for the previous broker URL (kombu keeps one per URL)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_redis(tmp_path, settings, transactional_db):
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    if connection.vendor != "postgresql":
        pytest.skip("a worker thread beside the test needs PostgreSQL (DATABASE_URL)")
    redis = OwnRedis(tmp_path)
    redis.start()
    old_broker = celery_app.conf.broker_url
    settings.REDIS_URL = redis.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis.url
    _reset_broker_connections()
    try:
        yield redis
    finally:
        redis.stop()
        celery_app.conf.broker_url = old_broker
        celery_app.conf.task_always_eager = True
        _reset_broker_connections()


@pytest.fixture
def recorder():
    calls = []
    events.subscribe("*", "tests.outage_recorder", lambda event: calls.append(event.pk))
    yield calls
    events.unsubscribe("tests.outage_recorder")


def _timed(request):
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def test_with_redis_down_nothing_fails_and_every_event_arrives_once_it_returns(
    own_redis, recorder, rep, caplog
):
    from celery.contrib.testing.worker import start_worker

    # Given the product running on its own Redis, with an intake form
    form = IntakeFormFactory(team=rep.team)
    cache.set("probe", "1")
    assert cache.get("probe") == "1"
    # When Redis dies
    own_redis.kill()
    caplog.set_level(logging.WARNING)
    # Then the token endpoint (throttled through the cache) answers 200
    token, took_token = _timed(
        lambda: APIClient().post(
            "/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json"
        )
    )
    assert token.status_code == 200, token.content
    assert "LoginThrottle could not read the cache" in caplog.text
    # And the public intake endpoint answers 202 with the submission stored
    intake, took_intake = _timed(
        lambda: APIClient().post(
            reverse("intake_submit", args=[form.key]),
            {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engines.test"},
            format="json",
        )
    )
    assert intake.status_code == 202, intake.content
    submission = apps.get_model("leads", "IntakeSubmission").objects.get(pk=intake.json()["id"])
    assert submission.payload["email"] == "ada@engines.test"
    assert "IntakeKeyThrottle could not read the cache" in caplog.text
    # And an API create answers 201; its event waits for the broker
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    created, took_create = _timed(
        lambda: api.post("/api/v1/accounts/", {"name": "Outage Ltd"}, format="json")
    )
    assert created.status_code == 201, created.content
    account_event = Event.objects.get(name="account.created", object_id=created.json()["id"])
    assert account_event.dispatched_at is None
    assert account_event.via == "api"
    assert "could not enqueue event" in caplog.text
    # And no request hung on the dead Redis
    assert max(took_token, took_intake, took_create) < SLOW_REQUEST_SECONDS
    assert recorder == []

    # When Redis returns and the periodic sweeps run, with a worker
    own_redis.start()
    with start_worker(
        celery_app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15
    ):
        # the intake sweep, by the name the beat schedule uses (salesproc/celery.py)
        celery_app.tasks["leads.tasks.requeue_intake_submissions_task"].apply(
            kwargs={"older_than_seconds": 0}
        )
        redispatch_pending_events_task.apply(kwargs={"older_than_seconds": 0})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            submission.refresh_from_db()
            pending = Event.objects.filter(dispatched_at__isnull=True).count()
            if submission.state == "processed" and pending == 0:
                break
            time.sleep(0.2)
            if pending:  # events the intake run recorded: the sweep's next round
                redispatch_pending_events_task.apply(kwargs={"older_than_seconds": 0})
        # A second sweep, and a duplicate dispatch, deliver nothing again
        redispatch_pending_events_task.apply(kwargs={"older_than_seconds": 0})
        time.sleep(1.0)

    # Then the submission became a lead, and every event reached the subscriber exactly once
    submission.refresh_from_db()
    assert submission.state == "processed"
    assert submission.lead.email == "ada@engines.test"
    all_events = set(Event.objects.values_list("pk", flat=True))
    assert account_event.pk in all_events
    assert Event.objects.filter(dispatched_at__isnull=True).count() == 0
    assert sorted(recorder) == sorted(all_events)
    assert EventDelivery.objects.filter(subscriber="tests.outage_recorder").count() == len(
        all_events
    )
    assert not EventDelivery.objects.exclude(status="delivered").exists()
