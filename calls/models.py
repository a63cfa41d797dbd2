"""Call management (PROCESSES.md, 1): plan -> execute -> debrief -> manager review.

One `Call` carries its plan (purpose, questions, expected objections, desired
outcome), the execution record, the rep's debrief and the manager's review.
Questions and objections are rows of their own so the coaching dashboard can count
what gets skipped and which objections are handled well, in SQL.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from salesproc.models import OwnedQuerySet
from salesproc.softdelete import SoftDeleteModel, SoftDeleteQuerySet, alive_manager, all_manager


class CallType(models.Model):
    """Discovery, demo, follow-up...: admin-editable, each with its own question bank."""

    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    default_duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class BankQuestion(models.Model):
    """A question of a call type's question bank: prefilled into each new plan."""

    call_type = models.ForeignKey(CallType, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call_type", "order", "id"]

    def __str__(self):
        return self.text


class Objection(models.Model):
    """The objection library: what buyers say, and the response that works."""

    class Category(models.TextChoices):
        PRICE = "price", "Price"
        TIMING = "timing", "Timing"
        NEED = "need", "Need"
        AUTHORITY = "authority", "Authority"
        COMPETITION = "competition", "Competition"
        TRUST = "trust", "Trust"
        OTHER = "other", "Other"

    text = models.CharField(max_length=300, unique=True)
    suggested_response = models.TextField(blank=True)
    category = models.CharField(max_length=60, blank=True, choices=Category.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "text"]

    def __str__(self):
        return self.text


class CallQuerySet(SoftDeleteQuerySet, OwnedQuerySet):
    def with_list_data(self):
        return self.select_related(
            "owner", "call_type", "contact", "account", "deal", "lead", "reviewer"
        )

    def awaiting_review(self):
        return self.filter(status=Call.Status.DEBRIEFED, review_requested_at__isnull=False)

    def live_follow_ups_of(self, call):
        """Follow-ups of `call` still on: a cancelled or moved one no longer counts."""
        return self.filter(follow_up_of=call).exclude(
            status__in=[Call.Status.CANCELLED, Call.Status.RESCHEDULED]
        )


class Call(SoftDeleteModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"
        DEBRIEFED = "debriefed", "Debriefed"
        REVIEWED = "reviewed", "Reviewed"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video"
        IN_PERSON = "in_person", "In person"

    class Result(models.TextChoices):
        HELD = "held", "Held"
        NO_SHOW = "no_show", "No-show"
        RESCHEDULED = "rescheduled", "Rescheduled"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls"
    )
    # What the call is about: at least one of these (the service checks).
    contact = models.ForeignKey(
        "accounts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    deal = models.ForeignKey(
        "deals.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)

    # Plan
    scheduled_at = models.DateTimeField(db_index=True)
    planned_duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    call_type = models.ForeignKey(
        CallType, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.PHONE)
    purpose = models.CharField(max_length=300)
    desired_outcome = models.CharField("next step to secure", max_length=300, blank=True)
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    rescheduled_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_to"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Execution
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    outcome = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    # Debrief
    went_well = models.TextField(blank=True)
    unresolved_problems = models.JSONField(default=list, blank=True)
    debriefed_at = models.DateTimeField(null=True, blank=True)
    review_requested_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Review by the owner's manager
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_calls",
    )
    feedback = models.TextField(blank=True)
    coaching_points = models.TextField(blank=True)
    rating_preparation = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_questioning = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_objection_handling = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_next_step = models.PositiveSmallIntegerField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = alive_manager(CallQuerySet)
    all_objects = all_manager(CallQuerySet)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status", "scheduled_at"]),
            models.Index(fields=["status", "review_requested_at"]),
            # The list's order (newest first), alone and after the owner, over live rows.
            models.Index(
                fields=["-scheduled_at", "-id"],
                name="call_alive_when_idx",
                condition=models.Q(deleted_at__isnull=True),
                include=["owner"],  # a manager's filter, read in the index
            ),
            models.Index(
                fields=["owner", "-scheduled_at", "-id"],
                name="call_owner_when_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # The coaching dashboard's held calls of a period, read in the index alone
            # (their questions and objections are joined on the ids).
            models.Index(
                fields=["scheduled_at"],
                name="call_held_when_idx",
                condition=models.Q(result="held", deleted_at__isnull=True),
                include=["id", "owner"],
            ),
        ]

    def __str__(self):
        return f"{self.purpose} ({self.scheduled_at:%d %b %Y})"

    @property
    def channel_phrase(self):
        """How the call is held, to follow its type: "Discovery in person", "Demo by video"."""
        return {
            self.Channel.PHONE: "by phone",
            self.Channel.VIDEO: "by video",
            self.Channel.IN_PERSON: "in person",
        }.get(self.channel, "")

    def get_absolute_url(self):
        return reverse("calls:call_detail", args=[self.pk])

    @property
    def about(self):
        """The records the call is about, most specific first."""
        return [r for r in (self.contact, self.lead, self.deal, self.account) if r is not None]

    @property
    def about_label(self):
        if self.contact_id:
            label = self.contact.full_name
            if self.account_id:
                label += f", {self.account.name}"
            return label
        if self.lead_id:
            return str(self.lead)
        if self.deal_id:
            return str(self.deal)
        if self.account_id:
            return self.account.name
        return "—"

    @property
    def scheduled_end(self):
        return self.scheduled_at + timedelta(minutes=self.planned_duration_minutes)

    @property
    def is_plan_editable(self):
        return self.status == self.Status.PLANNED

    @property
    def can_debrief(self):
        return self.status in (self.Status.COMPLETED, self.Status.NO_SHOW)

    @property
    def ratings(self):
        return {
            "preparation": self.rating_preparation,
            "questioning": self.rating_questioning,
            "objection_handling": self.rating_objection_handling,
            "next_step": self.rating_next_step,
        }

    @property
    def average_rating(self):
        values = [v for v in self.ratings.values() if v is not None]
        return round(sum(values) / len(values), 1) if values else None

    @property
    def status_tone(self):
        return {
            self.Status.PLANNED: "accent",
            self.Status.COMPLETED: "warn",
            self.Status.NO_SHOW: "bad",
            self.Status.DEBRIEFED: "warn",
            self.Status.REVIEWED: "good",
        }.get(self.status, "")


class CallQuestion(models.Model):
    """A planned question; after the call, whether it was asked and the answer."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    asked = models.BooleanField(null=True, blank=True)
    answer = models.TextField(blank=True)
    unasked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["call", "order", "id"]

    def __str__(self):
        return self.text


class CallObjection(models.Model):
    """An objection expected in the plan (planned=True) or met unexpectedly on the call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="objections")
    order = models.PositiveSmallIntegerField(default=0)
    library_objection = models.ForeignKey(
        Objection, null=True, blank=True, on_delete=models.SET_NULL, related_name="uses"
    )
    text = models.CharField(max_length=300)
    planned = models.BooleanField(default=True)
    planned_response = models.TextField(blank=True)
    encountered = models.BooleanField(null=True, blank=True)
    response_given = models.TextField(blank=True)
    handled_well = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["call", "order", "id"]

    def __str__(self):
        return self.text
