"""Webhook subscriptions, one delivery per subscription and event, and each attempt."""

from django.conf import settings
from django.db import models


class Webhook(models.Model):
    """An admin's subscription: events matching `events` are POSTed, signed, to `url`.

    The secret signs every delivery (Standard Webhooks); it is shown once, on create and
    on rotation. After a rotation the previous secret signs too, until
    previous_secret_expires_at (24 h), so a receiver can switch without losing any.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="Event names or patterns: deal.*")
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=80)
    previous_secret = models.CharField(max_length=80, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # The first failure since the last success; 3 days of them disable the subscription.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["url", "id"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event (or a test ping) for one subscription: written in the event's dispatch
    transaction, sent by a task outside any transaction, retried until delivered or
    given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "salesproc.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The webhook-id header: the event id ("evt_123"), or "ping_<random>" for a test.
    message_id = models.CharField(max_length=64)
    event_name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempt = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    retry_until = models.DateTimeField(
        null=True, blank=True, help_text="Retries stop here: 3 days after it was queued."
    )
    payload = models.TextField(blank=True, help_text="The body, fixed at the first attempt.")
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event"],
                condition=models.Q(event__isnull=False),
                name="webhook_delivery_once_per_event",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self):
        return f"{self.event_name} → {self.webhook_id}"


class WebhookAttempt(models.Model):
    """One POST of a delivery, for the log: when, the answer, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_body = models.CharField(max_length=1024, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery_id", "number"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"


__all__ = ["Webhook", "WebhookAttempt", "WebhookDelivery"]
