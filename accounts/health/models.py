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


class HealthSettings(models.Model):
    """The one row of health settings an admin sets: each signal's weight (the most points
    it can cost) and where the bands start. A signal missing from `weights` has the weight
    its app registered."""

    healthy_from = models.PositiveSmallIntegerField(default=70)
    watch_from = models.PositiveSmallIntegerField(default=40)
    weights = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return "Account health settings"


class HealthSnapshot(models.Model):
    """An account's health in a week (the last recompute of that week), for the trend."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="health_history"
    )
    week = models.DateField(help_text="The Monday of the week.")
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10, choices=Band.choices)

    class Meta:
        ordering = ["account", "week"]
        constraints = [
            models.UniqueConstraint(fields=["account", "week"], name="unique_health_week")
        ]
