from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import delivery

ETA_AT_MOST = timedelta(minutes=10)


@shared_task(acks_late=True)
def send_webhook_delivery_task(delivery_id):
    """One attempt at a delivery, then its retry queued for when it is due. Safe to run
    twice: the claim lets only one run send, and only when the delivery is due."""
    status = delivery.send(delivery_id)
    if status == delivery.Status.PENDING:
        row = (
            delivery.WebhookDelivery.objects.filter(pk=delivery_id)
            .values("next_attempt_at")
            .first()
        )
        # A short wait is queued with its ETA; longer ones are left to the sweep, so no
        # worker holds hours of ETA messages (which Redis would hand out again anyway).
        if (
            row
            and row["next_attempt_at"]
            and row["next_attempt_at"] <= timezone.now() + ETA_AT_MOST
        ):
            try:
                send_webhook_delivery_task.apply_async((delivery_id,), eta=row["next_attempt_at"])
            except Exception:  # broker down: the sweep sends it when due
                pass
    return status


@shared_task
def sweep_webhook_deliveries_task(limit=500):
    """Every minute: queue the deliveries that are due and nobody is sending (Redis or the
    worker was down, a worker died mid-send, a retry's message was lost)."""
    ids = delivery.due_delivery_ids(limit=limit)
    for delivery_id in ids:
        send_webhook_delivery_task.delay(delivery_id)
    return len(ids)
