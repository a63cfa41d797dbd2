"""Scheduled reports: a person's subscription to a registered report, and one send row
per subscription and period (claimed before the email goes, so a send happens once)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from salesproc.models import OwnedQuerySet


class ReportSubscriptionQuerySet(OwnedQuerySet):
    """A rep sees their own subscriptions, a manager their team's, an admin all."""


class ReportSubscription(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    class Scope(models.TextChoices):
        MINE = "mine", "Just me"
        TEAM = "team", "My team"

    WEEKDAYS = [
        (0, "Monday"),
        (1, "Tuesday"),
        (2, "Wednesday"),
        (3, "Thursday"),
        (4, "Friday"),
        (5, "Saturday"),
        (6, "Sunday"),
    ]

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions"
    )
    report_key = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.MINE)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    send_time = models.TimeField(help_text="In the subscriber's own time zone.")
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, choices=WEEKDAYS)
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_on = models.DateField()
    next_send_at = models.DateTimeField(db_index=True)
    is_active = models.BooleanField(default=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["report_key", "id"]
        indexes = [models.Index(fields=["is_active", "next_send_at"])]

    def __str__(self):
        return f"{self.report_key} ({self.get_frequency_display().lower()})"

    def get_absolute_url(self):
        return reverse("automation:reports:subscription_edit", args=[self.pk])


class ReportSend(models.Model):
    """One send of a subscription for one period ("2026-12-02", "2026-W49", "2026-12").

    Created (claimed) before the email is built and sent: a second run of the beat task,
    or a retried task, finds the row and sends nothing.
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.CASCADE, related_name="sends"
    )
    period = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLAIMED)
    row_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period"], name="report_send_once_per_period"
            )
        ]

    def __str__(self):
        return f"{self.subscription_id} {self.period} {self.status}"
