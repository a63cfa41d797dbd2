"""Intake forms, their stored submissions, and CSV import jobs.

Leads that arrive without typing: a web form posts to the CRM (stored first, processed
by a task), or a rep uploads a CSV file (stored on disk, imported by a task in batches).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from leads.fields import LEAD_DETAIL_FIELD_NAMES, LEAD_DETAIL_FIELDS

# Lead fields an intake form or an import can fill, in the order a person reads them.
INTAKE_LEAD_FIELDS = LEAD_DETAIL_FIELDS
INTAKE_LEAD_FIELD_NAMES = LEAD_DETAIL_FIELD_NAMES

# A running import whose worker sent no heartbeat for this long is taken to be dead:
# the sweep enqueues it again and its page says it waits for a worker.
IMPORT_STALE_AFTER = timedelta(minutes=1)

# A field no person sees or fills; a bot filling every input fills it too.
HONEYPOT_FIELD = "contact_me_by_fax_only"


def new_intake_key():
    return secrets.token_urlsafe(24)


def import_upload_path(job, filename):
    stamp = timezone.now().strftime("%Y/%m")
    return f"lead-imports/{stamp}/{secrets.token_hex(8)}.csv"


class IntakeForm(models.Model):
    """A web form on the company's website that creates leads in the CRM."""

    name = models.CharField(max_length=100)
    key = models.CharField(max_length=64, unique=True, default=new_intake_key)
    allowed_fields = models.JSONField(
        default=list, blank=True, help_text="Lead fields the form may fill."
    )
    aliases = models.JSONField(
        default=dict,
        blank=True,
        help_text="Names used by the website's form mapped to lead fields.",
    )
    source = models.CharField(max_length=50, default="Web form")
    team = models.ForeignKey(
        "salesproc.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_forms",
    )
    last_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Round-robin pointer: who received the last new lead.",
    )
    redirect_url = models.URLField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("leads:intake_form_detail", args=[self.pk])

    def submit_path(self):
        return reverse("intake_submit", args=[self.key])


class IntakeSubmission(models.Model):
    """One post to an intake form, stored as received before anything else happens."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"
        DROPPED = "dropped", "Dropped (spam)"

    class Outcome(models.TextChoices):
        CREATED = "created", "Lead created"
        UPDATED = "updated", "Lead updated"  # before submissions stopped writing leads
        ATTACHED = "attached", "Added to a lead's timeline"

    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="submissions")
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lead = models.ForeignKey(
        "leads.Lead",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_submissions",
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    proposed_changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Attached to a lead: {field: [lead's value, submitted value]} it may accept.",
    )
    changes_accepted_at = models.DateTimeField(null=True, blank=True)
    changes_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["form", "-received_at"], name="intake_sub_form_recent_idx"),
            models.Index(
                fields=["received_at"],
                name="intake_sub_pending_idx",
                condition=Q(state="pending"),
            ),
        ]

    def __str__(self):
        return f"Submission {self.pk} to {self.form_id} ({self.state})"

    @property
    def offers_changes(self):
        return bool(
            self.outcome == self.Outcome.ATTACHED
            and self.proposed_changes
            and self.changes_accepted_at is None
        )


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """You see the imports you ran; an admin sees every import."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_crm_admin:
            return self
        return self.filter(created_by=user)


class ImportJob(models.Model):
    """A CSV file of leads: uploaded, mapped, then imported by a task in batches."""

    class State(models.TextChoices):
        DRAFT = "draft", "Not started"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to=import_upload_path, max_length=300)
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=20, default="utf-8")
    delimiter = models.CharField(max_length=1, default=",")
    headers = models.JSONField(default=list)
    mapping = models.JSONField(
        default=list, blank=True, help_text="Per column, the lead field it fills ('' skips it)."
    )
    source = models.CharField(max_length=50, default="CSV import")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lead_imports"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who owns the leads this import creates.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    total = models.PositiveIntegerField(null=True, blank=True)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="lead_import_mine_idx")]

    def __str__(self):
        return f"Import of {self.original_name}"

    def get_absolute_url(self):
        if self.state == self.State.DRAFT:
            return reverse("leads:import_map", args=[self.pk])
        return reverse("leads:import_detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def waits_for_worker(self):
        """Queued, or running with a worker that stopped beating (killed, restarted)."""
        if self.state == self.State.QUEUED:
            return True
        return bool(
            self.state == self.State.RUNNING
            and self.heartbeat_at
            and self.heartbeat_at < timezone.now() - IMPORT_STALE_AFTER
        )

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.processed * 100 / self.total))

    @property
    def duration_seconds(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    def mapped_fields(self):
        return {field for field in self.mapping if field}


class ImportRowResult(models.Model):
    """What happened to one row of an import file (row 1 is the header)."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        REJECTED = "rejected", "Rejected"

    # indexed first in unique_import_row
    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    row_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="unique_import_row")
        ]

    def __str__(self):
        return f"Row {self.row_number}: {self.outcome}"


__all__ = [
    "ImportJob",
    "ImportRowResult",
    "IntakeForm",
    "IntakeSubmission",
]
