from celery import shared_task

from . import services


@shared_task(acks_late=True)
def run_bulk_job_task(job_id):
    job = services.bulk_job_run(job_id=job_id)
    return job.state if job else None
