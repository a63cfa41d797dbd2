from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import events, recycle_bin
from .models import Event


@shared_task(acks_late=True)
def dispatch_event_task(event_id):
    return events.dispatch_event(event_id)


@shared_task(acks_late=True)
def dispatch_event_batch_task(event_ids):
    """Dispatch many events in one task; those nobody subscribes to are closed in one UPDATE."""
    names = dict(Event.objects.filter(pk__in=event_ids).values_list("pk", "name"))
    quiet = [pk for pk, name in names.items() if not events.subscribers_for(name)]
    if quiet:
        Event.objects.filter(pk__in=quiet, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )
    quiet_set = set(quiet)
    return sum(events.dispatch_event(pk) for pk in names if pk not in quiet_set)


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


@shared_task
def purge_recycle_bin_task():
    """Daily: delete for good what has been in the recycle bin for its retention days."""
    return recycle_bin.recycle_bin_purge_due()
