from celery import shared_task

from . import services


@shared_task
def send_time_audit_reminders_task():
    """Daily: remind participants who logged nothing by an audit's last day (once each)."""
    return services.send_reminders()
