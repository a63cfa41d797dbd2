"""From the events outbox to a subscriber's URL.

1. `fan_out` is an atomic events subscriber ("*"): in the dispatch transaction it writes
   one WebhookDelivery per active subscription whose patterns match, and queues the
   send on commit. The rows are the outbox: with Redis or the worker down they wait,
   and `sweep` (beat, every minute) queues whatever is due.
2. `send` claims a delivery (pending and due -> sending, a conditional UPDATE that
   commits on its own), builds and signs the body, and POSTs it with no transaction open
   and no lock held; then records the attempt and the outcome.

Retries: 1 min, 5 min, 30 min, 2 h, 8 h, then daily, each with up to 10 % jitter,
until 3 days after the delivery was queued (a last try lands on the deadline). 2xx is
delivered; 4xx other than 408, 409 and 429 fails at once; a Retry-After is honoured.
A subscription failing without a single success for 3 days is switched off and its
owner told (in the app and by email).
"""

import json
import logging
import random
from datetime import timedelta
from email.utils import parsedate_to_datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q
from django.utils import timezone

from salesproc.registry import record_types_for
from salesproc.services import notify

from . import services, signing, transport
from .models import Webhook, WebhookAttempt, WebhookDelivery

log = logging.getLogger(__name__)

SCHEDULE = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
)
DAILY = timedelta(days=1)
JITTER = 0.1
RETRYABLE_4XX = {408, 409, 429}
DISABLE_AFTER = timedelta(days=3)
# A claim older than this belongs to a dead worker (a send takes at most ~20 s).
CLAIM_TIMEOUT = timedelta(minutes=2)
SUBSCRIBER_KEY = "automation.webhooks"
# A delivery never tried this long after it was written lost its task (Redis was down).
NEVER_SENT_AFTER = timedelta(minutes=1)
Status = WebhookDelivery.Status


def wants(name):
    """Does an active subscription cover this event name? Asked at dispatch, so events no
    webhook waits for (most of an import's) get no delivery claim for webhooks."""
    patterns = Webhook.objects.filter(active=True).values_list("events", flat=True)
    return any(services.matches(events, name) for events in patterns)


def fan_out(event):
    """Events subscriber: one delivery per matching active subscription (atomic)."""
    hooks = [
        hook
        for hook in Webhook.objects.filter(active=True).only("id", "events")
        if services.matches(hook.events, event.name)
    ]
    if not hooks:
        return
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                webhook=hook,
                event=event,
                message_id=services.message_id_for(event),
                event_name=event.name,
                retry_until=now + services.RETRY_WINDOW,
            )
            for hook in hooks
        ],
        ignore_conflicts=True,
    )
    services.queue_deliveries(
        WebhookDelivery.objects.filter(event=event, webhook__in=hooks, status=Status.PENDING).only(
            "id"
        )
    )


def retry_delay(attempt, *, rand=random.random):
    """The wait after failed attempt number `attempt` (1-based), jittered."""
    base = SCHEDULE[attempt - 1] if attempt <= len(SCHEDULE) else DAILY
    return base * (1 + JITTER * (2 * rand() - 1))


def retry_after(value, now):
    """A Retry-After header (seconds or an HTTP date) as a timedelta, or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta(0))


def _actor(event):
    if event is None or event.actor_id is None:
        return None
    return {"id": event.actor_id, "name": event.actor.display_name}


def build_payload(delivery):
    """The body as a dict, or None when the owner may not see the event's record."""
    hook = delivery.webhook
    owner = hook.owner
    event = delivery.event
    now = timezone.now()
    if event is None:  # a test ping
        return {
            "id": delivery.message_id,
            "name": "webhook.ping",
            "time": now.isoformat(),
            "actor": {"id": owner.pk, "name": owner.display_name},
            "record_type": None,
            "record_id": None,
            "record": None,
            "data": {"webhook": hook.pk, "description": hook.description},
        }
    if not owner.is_active:
        return None
    model = event.content_type.model_class()
    record_type = _record_type_for_model(model)
    subject = model._default_manager.filter(pk=event.object_id).first() if model else None
    record = None
    if subject is not None and record_type is not None:
        if record_type.process and not owner.runs(record_type.process):
            record = None
        elif record_type.represent is not None:
            record = record_type.represent(subject, user=owner)
        elif record_type.visible(owner).filter(pk=subject.pk).exists():
            record = {"id": subject.pk, "title": record_type.title(subject)}
    if record is None and not owner.is_crm_admin:
        # Not the owner's to see (another team's, or gone): nothing of it leaves.
        return None
    return {
        "id": delivery.message_id,
        "name": event.name,
        "time": event.created_at.isoformat(),
        "actor": _actor(event),
        "via": event.via,
        "summary": event.summary,
        "record_type": record_type.type if record_type else None,
        "record_id": event.object_id,
        "record": record,
        "data": event.data,
    }


def _record_type_for_model(model):
    if model is None:
        return None
    label = model._meta.label
    return next((item for item in record_types_for() if item.model == label), None)


def claim(delivery_id):
    """Take a due delivery (or a dead worker's): its row, or None."""
    now = timezone.now()
    due = Q(status=Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    stale = Q(status=Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    taken = (
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(due | stale)
        .update(status=Status.SENDING, claimed_at=now, attempt=F("attempt") + 1)
    )
    if not taken:
        return None
    return WebhookDelivery.objects.select_related(
        "webhook", "webhook__owner__role", "event", "event__actor", "event__content_type"
    ).get(pk=delivery_id)


def send(delivery_id):
    """One attempt at one delivery; the status it ends in, or None if not ours to send."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    hook = delivery.webhook
    mine = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=Status.SENDING, attempt=delivery.attempt
    )
    if not hook.active and delivery.event_id is not None:  # a test ping is sent anyway
        mine.update(status=Status.FAILED, last_error="The subscription is switched off.")
        return Status.FAILED
    if not delivery.payload:
        payload = build_payload(delivery)
        if payload is None:
            mine.update(
                status=Status.SKIPPED,
                last_error="The subscription's owner may not see this record.",
            )
            return Status.SKIPPED
        delivery.payload = json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"))
        # fixed with the outcome below (one UPDATE): a retry sends these same bytes
        fresh_payload = delivery.payload
    else:
        fresh_payload = None
    body = delivery.payload.encode()
    started = timezone.now()
    timestamp = str(int(started.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "salesproc-webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signing.signature_header(
            services.signing_secrets(hook, now=started), delivery.message_id, timestamp, body
        ),
    }
    answer = error = None
    try:
        answer = transport.post(hook.url, body, headers)  # no transaction, no lock
    except (OSError, transport.BlockedAddress, ValueError, Exception) as exc:  # noqa: BLE001
        error = f"{exc.__class__.__name__}: {exc}"[:500]
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempt,
        started_at=started,
        status_code=answer.status if answer else None,
        latency_ms=answer.latency_ms
        if answer
        else int((timezone.now() - started).total_seconds() * 1000),
        response_body=answer.body if answer else "",
        error=error or "",
    )
    return _record_outcome(delivery, mine, answer, error, fresh_payload)


def _record_outcome(delivery, mine, answer, error, fresh_payload=None):
    now = timezone.now()
    extra = {"payload": fresh_payload} if fresh_payload is not None else {}
    hook = delivery.webhook
    code = answer.status if answer else None
    if answer is not None and 200 <= code < 300:
        mine.update(
            status=Status.DELIVERED,
            delivered_at=now,
            response_code=code,
            last_error="",
            next_attempt_at=None,
            **extra,
        )
        if hook.failing_since is not None:
            Webhook.objects.filter(pk=hook.pk).update(failing_since=None)
        return Status.DELIVERED
    reason = error or f"HTTP {code}"
    if hook.failing_since is None:
        Webhook.objects.filter(pk=hook.pk, failing_since__isnull=True).update(failing_since=now)
    permanent = answer is not None and 400 <= code < 500 and code not in RETRYABLE_4XX
    deadline = delivery.retry_until or (delivery.created_at + services.RETRY_WINDOW)
    if isinstance(error, str) and error.startswith("BlockedAddress"):
        permanent = True
    if permanent or now >= deadline:
        mine.update(
            status=Status.FAILED,
            response_code=code,
            last_error=reason,
            next_attempt_at=None,
            **extra,
        )
        outcome = Status.FAILED
    else:
        wait = retry_after(answer.headers.get("retry-after"), now) if answer is not None else None
        if wait is None:
            wait = retry_delay(delivery.attempt)
        wait = min(max(wait, timedelta(seconds=1)), DAILY)
        mine.update(
            status=Status.PENDING,
            response_code=code,
            last_error=reason,
            next_attempt_at=min(now + wait, deadline),
            **extra,
        )
        outcome = Status.PENDING
    _disable_if_failing(hook.pk, now)
    return outcome


def _disable_if_failing(webhook_id, now):
    """Three days of failures and no success: switch the subscription off, tell its owner."""
    switched = Webhook.objects.filter(
        pk=webhook_id, active=True, failing_since__lte=now - DISABLE_AFTER
    ).update(
        active=False,
        disabled_reason="Switched off after 3 days of failed deliveries.",
        updated_at=now,
    )
    if not switched:
        return
    hook = Webhook.objects.select_related("owner").get(pk=webhook_id)
    log.warning("webhook %s (%s) switched off after 3 days of failures", hook.pk, hook.url)
    from django.urls import reverse

    notify(
        recipient=hook.owner,
        text=f"Webhook {hook.url} was switched off: its deliveries failed for 3 days.",
        url=reverse("automation:webhooks:detail", args=[hook.pk]),
        key=f"webhook-disabled:{hook.pk}:{int(now.timestamp())}",
        email=True,
    )


def due_delivery_ids(limit=500):
    now = timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            Q(
                status=Status.PENDING,
                next_attempt_at__isnull=True,
                created_at__lt=now - NEVER_SENT_AFTER,
            )
            | Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
        )
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
