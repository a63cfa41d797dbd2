from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class BulkJob(models.Model):
    """One bulk action over a selection of rows: what was asked, its progress, its rows."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=30)
    action = models.CharField(max_length=40)
    label = models.CharField(max_length=120)  # "Reassign owner", as the report reads
    params = models.JSONField(default=dict, blank=True)  # the action form's raw data
    ids = models.JSONField(default=list)  # the selected record ids, in order
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.label} on {self.total} {self.record_type}s ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("bulk_actions:job", args=[self.pk])

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def is_finished(self):
        return self.state in {self.State.DONE, self.State.FAILED}


class BulkJobRow(models.Model):
    """What happened to one selected row: changed, or skipped with the reason."""

    class Outcome(models.TextChoices):
        CHANGED = "changed", "Done"
        SKIPPED = "skipped", "Skipped"

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="rows")
    record_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "record_id"], name="bulk_job_row_once")
        ]
