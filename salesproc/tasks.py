from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import events
from .models import Event


@shared_task(acks_late=True)
def dispatch_event_task(event_id):
    return events.dispatch_event(event_id)


@shared_task(acks_late=True)
def dispatch_event_batch_task(event_ids):
    """Dispatch many events in one task; events without subscribers cost one query each."""
    return sum(events.dispatch_event(event_id) for event_id in event_ids)


@shared_task
def redispatch_pending_events_task(older_than_seconds=60, batch=500):
    """Re-enqueue events still pending (Redis was down, a worker died, a subscriber failed)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Event.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("id", flat=True)[:batch]
    )
    for event_id in ids:
        dispatch_event_task.delay(event_id)
    return len(ids)
