"""Deliveries per second to a local receiver with one worker, and the time from an
event's commit to its arrival (median and p95).

    python manage.py benchmark_webhooks --events 10000

Needs Redis (REDIS_URL) and a real database: it starts one Celery worker process
(`--pool=solo`, one task at a time) that dispatches each event and sends its delivery,
and a receiver on 127.0.0.1 that answers 200. Each event commits in its own
transaction, as a service would; --rate paces them (the default is one burst, so the
commit-to-arrival time then includes the wait in the worker's queue). The command removes its rows afterwards.
"""

import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Account
from automation.webhooks import signing
from automation.webhooks.models import Webhook, WebhookDelivery
from salesproc import events as salesproc_events
from salesproc.demo import ensure_default_roles
from salesproc.models import Event, User

EVENT_NAME = "webhooks.benchmark"


class _Receiver:
    def __init__(self):
        self.arrivals = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.time()
                message = self.headers.get("webhook-id")
                with receiver.lock:
                    receiver.arrivals.setdefault(message, now)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
                del body

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/bench"


class Command(BaseCommand):
    help = "Benchmark webhook deliveries: deliveries/s and commit-to-arrival latency."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=10000)
        parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait")
        parser.add_argument(
            "--rate",
            type=float,
            default=0,
            help="events per second to record (0: as fast as possible, a burst)",
        )

    def handle(self, *args, events, timeout, rate, **options):
        if not settings.REDIS_URL:
            raise CommandError("needs REDIS_URL: the benchmark runs a real Celery worker")
        count = events
        tag = uuid.uuid4().hex[:8]
        receiver = _Receiver()
        admin = User.objects.create_user(
            username=f"bench-hooks-{tag}", password="bench", role=ensure_default_roles()["admin"]
        )
        account = Account.objects.create(name=f"Webhook benchmark {tag}", owner=admin)
        hook = Webhook.objects.create(
            owner=admin, url=receiver.url, events=[EVENT_NAME], secret=signing.new_secret()
        )
        worker = self._start_worker()
        commits = {}
        try:
            self.stdout.write(f"recording {count} events, one transaction each…")
            started = time.time()
            for n in range(count):
                if rate > 0:
                    time.sleep(max(0.0, started + n / rate - time.time()))
                with transaction.atomic():
                    event = salesproc_events.record_event(
                        subject=account, name=EVENT_NAME, actor=admin, data={"n": n}
                    )
                commits[f"evt_{event.pk}"] = time.time()
            recorded = time.time()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with receiver.lock:
                    arrived = len(receiver.arrivals)
                if arrived >= count:
                    break
                if worker.poll() is not None:
                    raise CommandError("the worker stopped")
                time.sleep(0.5)
            with receiver.lock:
                arrivals = dict(receiver.arrivals)
            latencies = sorted(
                arrivals[key] - commit for key, commit in commits.items() if key in arrivals
            )
            if not latencies:
                raise CommandError("nothing arrived")
            last = max(arrivals.values())
            p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
            figures = {
                "events": count,
                "rate": rate or "burst",
                "arrived": len(latencies),
                "record_seconds": round(recorded - started, 1),
                "total_seconds": round(last - started, 1),
                "deliveries_per_second": round(len(latencies) / (last - started), 1),
                "commit_to_arrival_median_ms": round(statistics.median(latencies) * 1000, 1),
                "commit_to_arrival_p95_ms": round(p95 * 1000, 1),
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            }
            self.stdout.write(json.dumps(figures, indent=2))
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
            receiver.server.shutdown()
            WebhookDelivery.objects.filter(webhook=hook).delete()
            hook.delete()
            Event.objects.filter(name=EVENT_NAME, object_id=account.pk).delete()
            Account.all_objects.filter(pk=account.pk).delete()
            Event.objects.filter(actor=admin).delete()
            admin.delete()

    def _start_worker(self):
        env = dict(os.environ, CELERY_TASK_ALWAYS_EAGER="false", WEBHOOKS_ALLOW_PRIVATE="true")
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "salesproc", "worker", "--pool=solo"]
            + ["--loglevel=WARNING", "-n", f"bench-{uuid.uuid4().hex[:6]}@%h"]
            + ["--without-mingle", "--without-gossip"],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
        )
