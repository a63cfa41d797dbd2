from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.plans.models import PlanQuerySet

DEBRIEF_FIELDS = [
    ("what_was_sold", "What was sold"),
    ("why_they_bought", "Why the customer bought"),
    ("promises", "Promises and commitments made"),
    ("stakeholders", "Stakeholders and their stance"),
    ("expectations", "The customer's expectations and success criteria"),
    ("risks", "Risks and open issues"),
    ("next_steps", "Next steps"),
    ("other_notes", "Anything else the account manager should know"),
]
REQUIRED_TO_SUBMIT = ["what_was_sold", "why_they_bought", "expectations", "next_steps"]


class Handoff(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="handoffs"
    )
    # The won deal, by id: accounts sits below deals and keeps no foreign key to it.
    deal = models.PositiveBigIntegerField()
    deal_name = models.CharField(max_length=200)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handoffs_given"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handoffs_received",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    what_was_sold = models.TextField(blank=True)
    why_they_bought = models.TextField(blank=True)
    promises = models.TextField(blank=True)
    stakeholders = models.TextField(blank=True)
    expectations = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    other_notes = models.TextField(blank=True)
    won_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "deal"], name="unique_handoff_per_deal")
        ]

    def __str__(self):
        return f"Handoff of {self.account} ({self.deal_name})"

    def get_absolute_url(self):
        return reverse("accounts:handoff_detail", args=[self.pk])


class HandoffComment(models.Model):
    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
