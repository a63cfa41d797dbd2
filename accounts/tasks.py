from celery import shared_task

from accounts.health.services import health_recompute


@shared_task(acks_late=True)
def recompute_account_health_task():
    """Nightly: every managed account's health, in batches; safe to run twice."""
    return health_recompute()
