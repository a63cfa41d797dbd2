"""Scheduled jobs of deal management (beat schedule in salesproc/celery.py)."""

from celery import shared_task

from .reporting import services as reporting


@shared_task(acks_late=True)
def snapshot_pipeline_task():
    """Weekly (Monday): every open deal's stage, amount and category. Safe to run twice."""
    return reporting.snapshot_week()


@shared_task(acks_late=True)
def flag_stalled_deals_task():
    """Daily: notify owners of deals stuck in a stage past its limit, once per stall."""
    return reporting.stalled_deals_flag()
