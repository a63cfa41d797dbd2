"""Celery tasks of intake forms and CSV imports: thin, take ids, safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from . import imports
from .intake import services as intake
from .intake.models import ImportJob, IntakeSubmission


@shared_task(acks_late=True)
def process_intake_submission_task(submission_id):
    submission = intake.intake_submission_process(submission_id=submission_id)
    return submission.state if submission else None


@shared_task
def requeue_intake_submissions_task(older_than_seconds=120, batch=500):
    """Enqueue again the submissions still pending (Redis was down, a worker died)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        IntakeSubmission.objects.filter(
            state=IntakeSubmission.State.PENDING, received_at__lt=cutoff
        )
        .order_by("received_at")
        .values_list("id", flat=True)[:batch]
    )
    for submission_id in ids:
        process_intake_submission_task.delay(submission_id)
    return len(ids)


@shared_task(acks_late=True)
def run_lead_import_task(job_id):
    job = imports.import_job_run(job_id=job_id)
    return job.state if job else None


@shared_task
def requeue_lead_imports_task(older_than_seconds=120):
    """Enqueue again imports still queued, or running with a worker that stopped beating."""
    now = timezone.now()
    ids = list(
        ImportJob.objects.filter(
            Q(
                state=ImportJob.State.QUEUED,
                queued_at__lt=now - timedelta(seconds=older_than_seconds),
            )
            | Q(state=ImportJob.State.RUNNING, heartbeat_at__lt=now - imports.STALE_AFTER)
        ).values_list("id", flat=True)[:100]
    )
    for job_id in ids:
        run_lead_import_task.delay(job_id)
    return len(ids)
