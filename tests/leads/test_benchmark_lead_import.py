"""benchmark_lead_import: the import through a real Celery worker process prints the
worker's memory and leaves no worker behind (PostgreSQL + Redis; skipped locally without
them), refuses --worker without a broker, and --cleanup removes what the import added."""

import re
from io import StringIO

import psutil
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from leads.intake.models import ImportJob
from leads.models import Lead
from salesproc.celery import app as celery_app
from salesproc.models import Event
from tests.factories import LeadFactory

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def real_queue(transactional_db, settings):
    """Tasks go to Redis for a worker process on the test's PostgreSQL database."""
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and REDIS_URL (Redis) for a worker process")
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.control.purge()
    yield
    celery_app.conf.task_always_eager = True


def _figures(text):
    rows = re.search(
        r"rows (\d+): created (\d+), updated (\d+), unchanged (\d+), rejected (\d+)", text
    )
    assert rows, text
    return [int(n) for n in rows.groups()]


@pytest.mark.worker
def test_the_import_runs_in_a_real_worker_whose_memory_is_printed(real_queue):
    out = StringIO()
    call_command("benchmark_lead_import", rows=300, worker=True, cleanup=True, stdout=out)
    text = out.getvalue()

    processed, created, updated, unchanged, rejected = _figures(text)
    assert processed == 300 and rejected > 0 and created + rejected == 300
    assert "in the worker, done" in text
    assert re.search(r"[\d,]+ rows/second through the worker", text), text
    before, peak, after = (
        float(n.replace(",", ""))
        for n in re.search(
            r"worker RSS: ([\d,]+) MB before the job, ([\d,]+) MB at peak, ([\d,]+) MB after", text
        ).groups()
    )
    assert 0 < before <= peak and after > 0
    assert re.search(r"Celery worker peak RSS: [\d,]+ MB \(target < 300 MB\)", text), text
    drained = re.search(r"dispatched the import's ([\d,]+) events in [\d.]+ s", text)
    assert drained and int(drained.group(1).replace(",", "")) >= created, text

    # the worker and any pool process are gone
    pids = [int(p) for p in re.search(r"processes ([\d, ]+)\)", text).group(1).split(",")]
    for pid in pids:
        if psutil.pid_exists(pid):
            assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, pid
    assert "Celery worker stopped" in text

    # --cleanup: the leads it created, their events and the job are gone
    assert f"Cleanup: deleted {created:,} leads and 1 import jobs" in text
    assert not Lead.all_objects.exists()
    assert not ImportJob.objects.exists()
    assert not Event.objects.filter(name="lead.created").exists()


def test_worker_without_a_broker_says_what_to_set(settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="REDIS_URL is not set"):
        call_command("benchmark_lead_import", rows=10, worker=True, stdout=StringIO())


def test_worker_with_eager_tasks_says_what_to_unset(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = True  # and the test suite's celery app is eager
    with pytest.raises(CommandError, match="CELERY_TASK_ALWAYS_EAGER"):
        call_command("benchmark_lead_import", rows=10, worker=True, stdout=StringIO())


@pytest.mark.django_db
def test_in_process_run_and_cleanup_leave_the_data_as_they_found_it(admin):
    kept = LeadFactory(email="kept@x.test")
    out = StringIO()
    call_command("benchmark_lead_import", rows=60, cleanup=True, stdout=out)
    processed, created, *_ = _figures(out.getvalue())
    assert processed == 60 and created > 0
    assert f"Cleanup: deleted {created:,} leads and 1 import jobs" in out.getvalue()
    assert list(Lead.all_objects.all()) == [kept]
    assert not ImportJob.objects.exists()
