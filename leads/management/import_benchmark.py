"""benchmark_lead_import's two helpers beyond the in-process run: an import through a
real Celery worker with the worker's memory sampled, and the cleanup of what a benchmark
import added (so each run does not grow the data set)."""

import time
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from leads import imports
from leads.intake.models import ImportJob, ImportRowResult
from leads.models import Lead
from salesproc.models import Event

SAMPLE_EVERY = 0.2  # seconds between samples of the worker's memory
POLL_EVERY = 1.0  # seconds between reads of the job's progress
PROGRESS_EVERY = 10.0  # seconds between progress reports
CLAIM_TIMEOUT = 120  # seconds for the worker to take the job
CLEANUP_BATCH = 2000
DRAIN_TIMEOUT = 900  # seconds for the worker to dispatch the import's events


@dataclass
class WorkerRun:
    job: ImportJob
    rss_before: float  # MB, the worker and its pool, just before the job is queued
    rss_peak: float
    rss_after: float
    events: int = 0  # the import's events the worker dispatched after the job
    drain_seconds: float | None = None  # from the job's end until the last was dispatched


class ClaimTimeout(Exception):
    pass


def run_in_worker(worker, *, actor, job, progress) -> WorkerRun:
    """Queue the job for the worker, then sample the worker's memory every SAMPLE_EVERY
    and read the job's progress until it is done or failed; progress(seconds, job, rss,
    peak) now and then. An interrupted run (Ctrl-C, the worker died) marks the job failed,
    so no worker resumes it later."""
    rss_before = peak = worker.rss_mb()
    started = time.perf_counter()
    imports.import_job_start(actor=actor, job=job, enqueue=True)  # queued on commit
    next_poll = next_progress = 0.0
    finished = False
    try:
        while True:
            worker.check_alive()
            rss = worker.rss_mb()
            peak = max(peak, rss)
            now = time.perf_counter() - started
            if now >= next_poll:
                next_poll = now + POLL_EVERY
                job.refresh_from_db()
                if job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
                    break
                if job.state == ImportJob.State.QUEUED and now > CLAIM_TIMEOUT:
                    raise ClaimTimeout(f"The worker did not take the job in {CLAIM_TIMEOUT} s.")
            if now >= next_progress:
                next_progress = now + PROGRESS_EVERY
                progress(now, job, rss, peak)
            time.sleep(SAMPLE_EVERY)
        finished = True
    finally:
        if not finished:
            ImportJob.objects.filter(
                pk=job.pk, state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
            ).update(state=ImportJob.State.FAILED, error="The benchmark was interrupted.")
    # The job's events go out after it, on the same worker: until then it is not free.
    imported = Event.objects.filter(via="import", created_at__gte=job.queued_at)
    ended, drained = time.perf_counter(), None
    while drained is None and time.perf_counter() - ended < DRAIN_TIMEOUT:
        worker.check_alive()
        peak = max(peak, worker.rss_mb())
        if not imported.filter(dispatched_at__isnull=True).exists():
            drained = time.perf_counter() - ended
        else:
            time.sleep(SAMPLE_EVERY)
    return WorkerRun(
        job=job,
        rss_before=rss_before,
        rss_peak=peak,
        rss_after=worker.rss_mb(),
        events=imported.count(),
        drain_seconds=drained,
    )


def delete_what_imports_added(jobs) -> int:
    """Delete the leads the jobs created, CLEANUP_BATCH at a time, with the events about
    them (a plain queryset delete: no recycle bin, no events of its own, cascades to their
    qualifications), then the jobs with their row results, events and files. Leads a job
    updated stay as they are. Returns how many leads went."""
    lead_type = ContentType.objects.get_for_model(Lead)
    job_type = ContentType.objects.get_for_model(ImportJob)
    deleted = 0
    for job in jobs:
        created = ImportRowResult.objects.filter(
            job_id=job.pk, outcome="created", lead__isnull=False
        ).values_list("lead_id", flat=True)
        while ids := list(created[:CLEANUP_BATCH]):
            with transaction.atomic():
                Event.objects.filter(content_type=lead_type, object_id__in=ids).delete()
                ImportRowResult.objects.filter(lead_id__in=ids).delete()
                _, per_model = Lead.all_objects.filter(pk__in=ids).delete()
                deleted += per_model.get(Lead._meta.label, 0)
        stored = ImportJob.objects.filter(pk=job.pk).first()
        if stored is not None:
            if stored.file:
                stored.file.delete(save=False)
            Event.objects.filter(content_type=job_type, object_id=stored.pk).delete()
            stored.delete()
    return deleted
