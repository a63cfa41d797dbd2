"""A real Celery worker as a child process, for benchmarks that measure it.

    with CeleryWorker() as worker:      # started, and answering a ping
        worker.rss_mb()                 # its memory: the worker and its pool children
    # stopped: SIGTERM, then SIGKILL to its process group after a timeout

The worker runs `celery -A salesproc worker` with this process's settings module,
database, broker and media folder, so it sees the rows and files this process writes.
Its output goes to a temporary log, shown when it fails to start or dies.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import psutil
from django.conf import settings

from salesproc.celery import app as celery_app

READY_TIMEOUT = 90  # seconds; Django and every app's tasks load first
STOP_TIMEOUT = 10  # after SIGTERM (warm shutdown waits for the running task), SIGKILL


class WorkerFailed(RuntimeError):
    """The worker did not start, or died; the message ends with its last log lines."""


def database_url():
    """The URL of the database this process uses, for a child process's DATABASE_URL."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def broker_problem():
    """Why tasks would not reach a worker from this process, or '' when they would."""
    if not settings.REDIS_URL:
        return "REDIS_URL is not set (the Celery broker), e.g. REDIS_URL=redis://127.0.0.1:6379/0"
    if settings.CELERY_TASK_ALWAYS_EAGER or celery_app.conf.task_always_eager:
        return "tasks run eagerly in this process: unset CELERY_TASK_ALWAYS_EAGER (or set it false)"
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and "memory" in str(db["NAME"]):
        return "the database is in this process's memory: set DATABASE_URL (PostgreSQL)"
    return ""


def other_workers(timeout=1.0):
    """Names of workers already consuming this broker (they may take our tasks)."""
    return [name for reply in celery_app.control.ping(timeout=timeout) for name in reply]


def queued_tasks():
    """Tasks waiting in the default queue (a worker takes them in order, ours included)."""
    with celery_app.connection_for_read() as conn:
        queue = celery_app.conf.task_default_queue
        return conn.default_channel.queue_declare(queue=queue).message_count


class CeleryWorker:
    """`pool` solo runs tasks in the worker process itself, so its RSS is the task's; with
    prefork (production, one child per core) rss_mb() adds the parent and its children,
    which counts the pages a child shares with its parent twice."""

    def __init__(self, *, pool="solo", concurrency=1):
        self.pool = pool
        self.concurrency = concurrency
        self.name = f"benchmark-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.process = None
        self.log = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        env = dict(
            os.environ,
            # the settings module this process read (settings.SETTINGS_MODULE is None
            # while a test overrides settings)
            DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "salesproc.settings"),
            DATABASE_URL=database_url(),
            REDIS_URL=settings.REDIS_URL,
            CELERY_TASK_ALWAYS_EAGER="false",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "salesproc", "worker"]
            + [f"--pool={self.pool}", f"--concurrency={self.concurrency}", "-n", self.name]
            + ["--loglevel=WARNING", "--without-mingle", "--without-gossip"],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            self.check_alive()
            if celery_app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise WorkerFailed(f"the Celery worker did not answer within {READY_TIMEOUT} s")

    def pids(self):
        try:
            root = psutil.Process(self.process.pid)
            return [root.pid] + [child.pid for child in root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss_mb(self):
        """Resident memory of the worker and its pool processes together, in MB."""
        total = 0
        for pid in self.pids():
            try:
                total += psutil.Process(pid).memory_info().rss
            except psutil.NoSuchProcess:
                pass  # a pool child replaced between the listing and the reading
        return total / 1e6

    def check_alive(self):
        if self.process.poll() is not None:
            raise WorkerFailed(
                f"the Celery worker exited with code {self.process.returncode}:\n{self.log_tail()}"
            )

    def log_tail(self, lines=30):
        self.log.seek(0)
        return "\n".join(self.log.read().decode(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        if self.process is not None:
            try:  # pool children that outlived their parent, and the parent if it hung
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=STOP_TIMEOUT)
        if self.log is not None:
            self.log.close()
            self.log = None
