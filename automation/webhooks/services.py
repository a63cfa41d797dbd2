"""Webhook subscriptions: the one place their rules live (pages and API call these)."""

import fnmatch
import ipaddress
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import signing, transport
from .models import Webhook, WebhookDelivery

ROTATION_OVERLAP = timedelta(hours=24)
RETRY_WINDOW = timedelta(days=3)
PATTERN_RE = re.compile(r"^[a-z0-9_*?]+(\.[a-z0-9_*?]+)*$")
EDITABLE = ("url", "events", "active", "description")


def _require_admin(actor):
    if not (actor and actor.is_authenticated and actor.is_crm_admin):
        raise ValidationError("Only an admin can manage webhooks.")


def clean_url(url):
    """The URL, or a field error: https (http only with WEBHOOKS_ALLOW_PRIVATE), and not
    a literal or resolved private address. A name that does not resolve yet is kept;
    every delivery checks again."""
    url = (url or "").strip()
    parts = urlsplit(url)
    allowed = ("https", "http") if transport.allow_private() else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError({"url": ["Enter an https:// URL."]})
    if parts.username or parts.password:
        raise ValidationError(
            {"url": ["Leave credentials out of the URL; the signature proves it is us."]}
        )
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    try:
        if literal is not None and not transport.allow_private() and not transport.is_public(host):
            raise transport.BlockedAddress(f"{host} is a private, loopback or link-local address")
        transport.check_url(url)
    except transport.BlockedAddress as exc:
        if "does not resolve" not in str(exc):
            raise ValidationError({"url": [f"Webhooks may not call this address: {exc}."]}) from exc
    return url


def clean_events(events):
    if isinstance(events, str):
        events = [part for part in re.split(r"[\s,]+", events) if part]
    if not isinstance(events, (list, tuple)) or not events:
        raise ValidationError({"events": ["List at least one event name or pattern (deal.*)."]})
    cleaned = []
    for item in events:
        if not isinstance(item, str) or not PATTERN_RE.match(item.strip()):
            raise ValidationError(
                {"events": [f"{item!r} is not an event name or pattern such as deal.* or *."]}
            )
        if item.strip() not in cleaned:
            cleaned.append(item.strip())
    return cleaned


def matches(webhook_events, name):
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in webhook_events or ())


def webhook_create(*, actor, data):
    """A new subscription owned by actor; its secret is on the returned object (once)."""
    _require_admin(actor)
    url = clean_url(data.get("url"))
    events = clean_events(data.get("events"))
    with transaction.atomic():
        return Webhook.objects.create(
            owner=actor,
            url=url,
            events=events,
            active=bool(data.get("active", True)),
            description=(data.get("description") or "")[:200],
            secret=signing.new_secret(),
        )


def webhook_update(*, actor, webhook, data):
    _require_admin(actor)
    changes = {}
    if "url" in data:
        changes["url"] = clean_url(data["url"])
    if "events" in data:
        changes["events"] = clean_events(data["events"])
    if "description" in data:
        changes["description"] = (data["description"] or "")[:200]
    if "active" in data:
        changes["active"] = bool(data["active"])
        if changes["active"] and not webhook.active:
            changes["failing_since"] = None  # switched back on: a fresh start
            changes["disabled_reason"] = ""
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save()
    return locked


def webhook_delete(*, actor, webhook):
    _require_admin(actor)
    with transaction.atomic():
        Webhook.objects.filter(pk=webhook.pk).delete()


def webhook_rotate_secret(*, actor, webhook):
    """A new secret; the old one keeps signing for 24 hours beside it."""
    _require_admin(actor)
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
        locked.secret = signing.new_secret()
        locked.save(
            update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
        )
    return locked


def signing_secrets(webhook, *, now=None):
    """The secrets a delivery is signed with now: the current one, and the previous
    one while its 24 hours last."""
    now = now or timezone.now()
    result = [webhook.secret]
    if (
        webhook.previous_secret
        and webhook.previous_secret_expires_at
        and webhook.previous_secret_expires_at > now
    ):
        result.append(webhook.previous_secret)
    return result


def _enqueue(delivery_ids):
    from .tasks import send_webhook_delivery_task

    for delivery_id in delivery_ids:
        try:
            send_webhook_delivery_task.delay(delivery_id)
        except Exception:  # broker down: the sweep sends it later
            import logging

            logging.getLogger(__name__).warning(
                "could not enqueue webhook delivery %s; the sweep will send it", delivery_id
            )


def queue_deliveries(deliveries):
    """Send these (just written) deliveries once the transaction commits."""
    ids = [delivery.pk for delivery in deliveries if delivery.pk]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def webhook_ping(*, actor, webhook):
    """Queue a test event ("webhook.ping") to the subscription; the delivery."""
    _require_admin(actor)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            webhook=webhook,
            message_id=f"ping_{secrets.token_hex(12)}",
            event_name="webhook.ping",
            retry_until=timezone.now() + RETRY_WINDOW,
        )
        queue_deliveries([delivery])
    return delivery


def delivery_redeliver(*, actor, delivery):
    """Send a delivery again (delivered, failed or skipped): a new attempt, same id."""
    _require_admin(actor)
    with transaction.atomic():
        updated = (
            WebhookDelivery.objects.filter(pk=delivery.pk)
            .exclude(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING])
            .update(
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at=None,
                last_error="",
                retry_until=timezone.now() + RETRY_WINDOW,
            )
        )
        if not updated:
            raise ValidationError("This delivery is already waiting to be sent.")
        delivery.refresh_from_db()
        queue_deliveries([delivery])
    return delivery


def deliver_event_to(*, event, webhook):
    """A delivery of `event` to one subscription (the workflow action), at most once per
    subscription and event; returns it, new or existing."""
    with transaction.atomic():
        delivery, created = WebhookDelivery.objects.get_or_create(
            webhook=webhook,
            event=event,
            defaults={
                "message_id": message_id_for(event),
                "event_name": event.name,
                "retry_until": timezone.now() + RETRY_WINDOW,
            },
        )
        if created:
            queue_deliveries([delivery])
    return delivery, created


def message_id_for(event):
    return f"evt_{event.pk}"
