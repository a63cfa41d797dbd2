"""Running long jobs off the request, in production and in the embedded mode alike.

Production (Redis): `run_in_background(task, ...)` is `task.delay(...)`; a worker runs it.

Embedded (`make run`, no Redis, CELERY_TASK_ALWAYS_EAGER): `.delay()` would run the task
inside the request, so a 10,000-row import held the browser with no feedback. Here the
task goes to a one-thread executor in the web process instead (`task.apply()` there, after
the request's transaction commits), and the page polls the job's progress as it does in
production.

Why a thread and not a worker process beside the server with a filesystem or SQLite
broker: `make run` stays one command and one process on a fresh machine (nothing more to
start, stop or leave running after Ctrl-C; runserver's autoreloader would otherwise need a
second supervised process), and SQLite gets at most one background writer at a time. The
jobs are already resumable (claims, heartbeats, results per row), so a server stopped
mid-job loses nothing that the job's own restart rules do not cover.

Tests keep eager, in-request execution (BACKGROUND_JOBS_IN_THREAD off in tests/settings)
so they stay deterministic; the test of this module turns it on.
"""

import atexit
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections, transaction

log = logging.getLogger(__name__)

_lock = threading.Lock()
_executor = None


def in_thread():
    """True when jobs run in the web process's background thread (the embedded mode)."""
    return bool(
        getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
        and getattr(settings, "BACKGROUND_JOBS_IN_THREAD", False)
    )


def _pool():
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="salesproc-job")
            atexit.register(_executor.shutdown, wait=False, cancel_futures=True)
        return _executor


def _run(task, args, kwargs):
    close_old_connections()
    try:
        task.apply(args=args, kwargs=kwargs, throw=True)
    except Exception:  # the job's own state says what failed; the thread lives on
        log.exception("background job %s%r failed", task.name, args)
    finally:
        connections.close_all()


def run_in_background(task, *args, **kwargs):
    """Run a Celery task off the request: a worker in production, the web process's
    background thread in the embedded mode. Returns the thread's future there, else None.
    Call it after commit (`transaction.on_commit`) so the job's rows are visible."""
    if in_thread():
        return _pool().submit(_run, task, args, kwargs)
    task.delay(*args, **kwargs)
    return None


def run_after_commit(task, *args, **kwargs):
    """`run_in_background` once the current transaction commits; a broker that is down
    only logs (the job stays queued for its sweep)."""

    def start():
        try:
            run_in_background(task, *args, **kwargs)
        except Exception:
            log.warning("could not enqueue %s%r", task.name, args, exc_info=True)

    transaction.on_commit(start)


def wait_for_background(timeout=30):
    """Wait until the background thread has run what it was given (tests, shutdown)."""
    if _executor is None:
        return
    _executor.submit(lambda: None).result(timeout=timeout)
