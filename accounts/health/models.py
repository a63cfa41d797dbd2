from django.db import models
from django.utils import timezone


class Band(models.TextChoices):
    HEALTHY = "healthy", "Healthy"
    WATCH = "watch", "Watch"
    AT_RISK = "at_risk", "At risk"


class AccountHealth(models.Model):
    """An account's current health: the score, its band and each signal's share of it."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="health"
    )
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10, choices=Band.choices, db_index=True)
    # [{"key", "label", "value", "points", "reason"}], in the signals' order
    signals = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["score"])]

    def __str__(self):
        return f"{self.account_id}: {self.score} ({self.band})"
