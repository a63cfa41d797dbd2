from celery import shared_task

from . import services


@shared_task
def send_task_reminders_task():
    """Each minute: remind the owner of every task now due, each reminder once."""
    return services.task_reminders_send()
