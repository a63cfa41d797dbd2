from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import events, recycle_bin
from .models import Event, EventDelivery, Notification

SWEEP_CHUNK = 50


@shared_task(acks_late=True)
def dispatch_event_task(event_id):
    return events.dispatch_event(event_id)


@shared_task(acks_late=True)
def dispatch_event_batch_task(event_ids):
    """Dispatch many events in one task; those nobody subscribes to are closed in one UPDATE.

    Every other event goes through the same per-subscriber claims as dispatch_event_task.
    """
    kinds = {
        pk: (name, via)
        for pk, name, via in Event.objects.filter(pk__in=event_ids).values_list("pk", "name", "via")
    }
    # who takes each kind of event, asked once per kind (an import's batch is one kind)
    takers = {kind: events.subscribers_for(*kind) for kind in set(kinds.values())}
    quiet = [pk for pk, kind in kinds.items() if not takers[kind]]
    if quiet:
        Event.objects.filter(pk__in=quiet, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )
    return sum(
        events.dispatch_event(pk, subscribers=takers[kind])
        for pk, kind in sorted(kinds.items())
        if takers[kind]
    )


def pending_event_ids(*, older_than_seconds=60, batch=500):
    """Events not yet dispatched (Redis was down, a worker died, a subscriber failed), except
    those only waiting for a retry whose time has not come."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    waiting = EventDelivery.objects.filter(
        event=OuterRef("pk"),
        status=EventDelivery.Status.PENDING,
        next_attempt_at__gt=now,
    )
    due_or_new = EventDelivery.objects.filter(event=OuterRef("pk")).filter(
        Q(status=EventDelivery.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(status=EventDelivery.Status.RUNNING, claimed_at__lt=now - events.CLAIM_TIMEOUT)
    )
    return list(
        Event.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff)
        .filter(~Exists(waiting) | Exists(due_or_new))
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:batch]
    )


@shared_task
def redispatch_pending_events_task(older_than_seconds=60, batch=500):
    """The periodic sweep: re-dispatch pending events through the same claims, so a
    subscriber that already had an event is never given it again."""
    ids = pending_event_ids(older_than_seconds=older_than_seconds, batch=batch)
    for start in range(0, len(ids), SWEEP_CHUNK):  # chunks: one slow subscriber delays few
        dispatch_event_batch_task.delay(ids[start : start + SWEEP_CHUNK])
    return len(ids)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=6,
)
def send_notification_email_task(self, notification_id):
    """Email a notification once: the conditional UPDATE of emailed_at is the claim, so a
    second run (a duplicate message, a retry after success) sends nothing."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=now
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not notification.recipient.email:
        return False
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
    try:
        send_mail(
            subject=f"[salesproc] {notification.text[:80]}",
            message=f"{notification.text}\n\n{link}\n",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception:
        # Not sent: give the claim back so the retry can send it.
        Notification.objects.filter(pk=notification_id, emailed_at=now).update(emailed_at=None)
        raise
    return True


@shared_task
def purge_recycle_bin_task():
    """Daily: delete for good what has been in the recycle bin for its retention days."""
    return recycle_bin.recycle_bin_purge_due()


from .bulk_actions.tasks import (  # noqa: E402, F401  (the worker finds them)
    requeue_bulk_jobs_task,
    run_bulk_job_task,
)
