from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from salesproc.models import OwnedQuerySet


class Task(models.Model):
    """Something someone has to do by a time: call back, send the proposal...

    It points at a record with (record_type, record_id) of a registered RecordType, or at
    none (both empty). Who sees it follows its owner (OwnedQuerySet).
    """

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"

    title = models.CharField(max_length=200)
    due_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    notes = models.TextField(blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    record_type = models.CharField(max_length=30, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="The reminder's claim: set once it is sent."
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_at", "id"]
        indexes = [
            models.Index(fields=["owner", "done", "due_at"], name="task_owner_due_idx"),
            models.Index(fields=["record_type", "record_id"], name="task_record_idx"),
            models.Index(
                fields=["due_at"],
                name="task_reminder_due_idx",
                condition=Q(done=False, reminded_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(record_type="") & Q(record_id__isnull=True))
                | (~Q(record_type="") & Q(record_id__isnull=False)),
                name="task_record_both_or_none",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("todo:task_edit", args=[self.pk])

    @property
    def is_overdue(self):
        return not self.done and self.due_at is not None and self.due_at < timezone.now()
