from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_daily_digests_task():
    """Daily: one digest task per person with digest notifications waiting."""
    for user_id in services.digest_recipient_ids():
        send_digest_task.delay(user_id, timezone.localdate().isoformat())


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_digest_task(self, user_id, day):
    """One person's digest of `day`, sent once (the DigestSend row is the claim)."""
    from datetime import date

    return services.digest_send(user_id=user_id, day=date.fromisoformat(day))
