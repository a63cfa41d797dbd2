from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from . import services
from .models import BulkJob


@shared_task(acks_late=True)
def run_bulk_job_task(job_id):
    job = services.bulk_job_run(job_id=job_id)
    return job.state if job else None


@shared_task
def requeue_bulk_jobs_task(older_than_seconds=120):
    """Enqueue again the jobs still queued (Redis was down) or running with a worker that
    stopped beating; the run that claims one resumes after its last recorded row."""
    now = timezone.now()
    ids = list(
        BulkJob.objects.filter(
            Q(state=BulkJob.State.QUEUED, created_at__lt=now - services.STALE_AFTER)
            | Q(state=BulkJob.State.RUNNING, heartbeat_at__lt=now - services.STALE_AFTER)
        ).values_list("id", flat=True)[:100]
    )
    for job_id in ids:
        run_bulk_job_task.delay(job_id)
    return len(ids)
