"""Workflow rules (a trigger, conditions, ordered actions), their versions and runs."""

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["WorkflowRule", "WorkflowRuleVersion", "WorkflowRun"]


class WorkflowRule(models.Model):
    """When an event matching `trigger` is recorded and the conditions hold, run the
    actions in order, acting for the record's owner.

    conditions: [{"source": "data"|"record", "field": "to_stage_name", "op": "equals",
    "value": "Won"}, ...]; actions: [{"action": "calls.plan_follow_up", "params": {...}}].
    """

    class Match(models.TextChoices):
        ALL = "all", "All conditions"
        ANY = "any", "Any condition"

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    trigger = models.CharField(
        max_length=64, help_text="An event name (deal.won) or a pattern (deal.*)."
    )
    match = models.CharField(max_length=3, choices=Match.choices, default=Match.ALL)
    conditions = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Told when a run fails for good.",
    )
    example_key = models.CharField(
        max_length=64, blank=True, help_text="Set on the examples salesproc ships."
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["example_key"],
                condition=~models.Q(example_key=""),
                name="workflow_rule_one_per_example",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("automation:workflows:rule_detail", args=[self.pk])


class WorkflowRuleVersion(models.Model):
    """A rule as it was saved: every edit (and switching on or off) keeps one."""

    rule = models.ForeignKey(WorkflowRule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    note = models.CharField(max_length=200, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="workflow_rule_version_once")
        ]


class WorkflowRun(models.Model):
    """One rule on one event: claimed before acting, so each rule runs once per event."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"

    rule = models.ForeignKey(WorkflowRule, on_delete=models.CASCADE, related_name="runs")
    rule_version = models.PositiveIntegerField(default=1)
    event = models.ForeignKey("salesproc.Event", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it matched or not.")
    results = models.JSONField(default=list, blank=True)  # [{"action", "label", "result"}]
    error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)  # shown to admins only
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "event"], name="workflow_run_once_per_event")
        ]
        indexes = [models.Index(fields=["rule", "-created_at"])]

    def __str__(self):
        return f"{self.rule} on event #{self.event_id}: {self.status}"
