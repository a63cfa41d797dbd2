from django.conf import settings
from django.db import models
from django.utils import timezone

from .kinds import CHANNELS, KINDS


class NotificationPreference(models.Model):
    """How one person wants one kind of notification: in-app, email or the digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=[(k, label) for k, label, _ in KINDS])
    channel = models.CharField(max_length=10, choices=CHANNELS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_preference")
        ]


class DigestSend(models.Model):
    """One person's digest of one day: the unique row is the claim that sends it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="unique_digest_day")]
