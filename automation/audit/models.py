from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from salesproc.models import OwnedQuerySet

__all__ = ["AuditCategory", "TimeAudit", "TimeAuditParticipant", "TimeEntry", "RunningTimer"]


class AuditCategory(models.Model):
    """A kind of task people log time on (admin list), and the automation that cuts it."""

    class Automation(models.TextChoices):
        NONE = "", "None"
        TEMPLATES = "templates", "Email templates"
        QUOTES = "quotes", "Quotes and proposals"
        REPORTS = "reports", "Scheduled reports"
        WORKFLOWS = "workflows", "Workflows, intake forms and import"

    name = models.CharField(max_length=100, unique=True)
    selling = models.BooleanField(
        default=False, help_text="Time with or for customers (calls, meetings, prospecting)."
    )
    automation = models.CharField(max_length=20, choices=Automation.choices, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField("in use", default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "audit categories"

    def __str__(self):
        return self.name


class TimeAuditQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins all; a manager the audits they opened or that cover their team; anyone
        the audits they take part in."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_crm_admin:
            return self
        condition = Q(opened_by=user) | Q(participants__user=user)
        if user.managed_team_ids:
            condition |= Q(participants__user__team_id__in=user.managed_team_ids)
        ids = self.model.objects.filter(condition).values("pk")
        return self.filter(pk__in=ids)


class TimeAudit(models.Model):
    name = models.CharField(max_length=150)
    starts_on = models.DateField()
    ends_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opened_time_audits"
    )
    teams = models.ManyToManyField("salesproc.Team", blank=True, related_name="time_audits")
    roles = models.ManyToManyField("salesproc.SalesRole", blank=True, related_name="time_audits")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TimeAuditQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("automation:audit:week", args=[self.pk])

    @property
    def days(self):
        return (self.ends_on - self.starts_on).days + 1

    def is_open_on(self, day):
        return self.starts_on <= day <= self.ends_on


class TimeAuditParticipant(models.Model):
    audit = models.ForeignKey(TimeAudit, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_audit_seats"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "user"], name="one_seat_per_audit")]


class TimeEntryQuerySet(OwnedQuerySet):
    """Visible to the author, the author's manager and admins."""

    owner_field = "user"


class TimeEntry(models.Model):
    audit = models.ForeignKey(TimeAudit, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_entries"
    )
    category = models.ForeignKey(AuditCategory, on_delete=models.PROTECT, related_name="entries")
    day = models.DateField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["audit", "user", "day"])]
        verbose_name_plural = "time entries"

    def __str__(self):
        return f"{self.category} {self.minutes} min on {self.day}"


class RunningTimer(models.Model):
    """A start/stop timer kept on the server, so it survives a reload or another tab."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="running_timer"
    )
    audit = models.ForeignKey(TimeAudit, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(AuditCategory, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
