from celery import shared_task

from . import services


@shared_task
def reassign_territories_task(run_id):
    services.assignment_run(run_id=run_id)
