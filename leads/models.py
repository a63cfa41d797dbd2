from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from salesproc.models import OwnedQuerySet
from salesproc.softdelete import SoftDeleteModel, SoftDeleteQuerySet, alive_manager, all_manager


class LeadQuerySet(SoftDeleteQuerySet, OwnedQuerySet):
    def with_list_data(self):
        return self.select_related("owner")

    def to_work(self):
        """Leads a rep still has to qualify: new or being worked."""
        return self.filter(status__in=[Lead.Status.NEW, Lead.Status.WORKING])


class Lead(SoftDeleteModel):
    """A person-and-company not yet qualified. Converting it links account, contact, deal."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        WORKING = "working", "Working"
        QUALIFIED = "qualified", "Qualified"
        DISQUALIFIED = "disqualified", "Disqualified"
        CONVERTED = "converted", "Converted"

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    website = models.CharField(max_length=300, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    country = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=50, blank=True)
    owner = models.ForeignKey(  # indexed first in (owner, status) and the list's order
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_leads",
        db_index=False,
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    score = models.IntegerField(null=True, blank=True)
    converted_account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_contact = models.ForeignKey(
        "accounts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_deal = models.ForeignKey(
        "deals.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_at = models.DateTimeField(null=True, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)
    disqualified_at = models.DateTimeField(null=True, blank=True)
    disqualification_reason = models.ForeignKey(
        "leads.DisqualificationReason",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = alive_manager(LeadQuerySet)
    all_objects = all_manager(LeadQuerySet)

    class Meta:
        ordering = ["-created_at", "id"]
        # Plain indexes where db_index on a text column added an unused `_like` one too
        # (each index costs the import). The list's order (best score first, unscored
        # last) is indexed by migration 0005 on PostgreSQL only: SQLite has no NULLS LAST
        # in an index.
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["email"], name="lead_email_idx"),
            models.Index(fields=["source"], name="lead_source_idx"),
            models.Index(fields=["status"], name="lead_status_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} ({self.company_name})" if self.company_name else name

    def get_absolute_url(self):
        return reverse("leads:lead_detail", args=[self.pk])


class DisqualificationReason(models.Model):
    """Admin-kept list of why leads are dropped; disqualifying needs one."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    """One thing a rep looks for in a qualified lead, and the question they ask for it.

    The rows are the live, editable set. Every change publishes a CriteriaVersion that
    freezes the whole set; qualifications point at the version they were made with.
    """

    class AnswerType(models.TextChoices):
        YES_NO = "yes_no", "Yes / no / unknown"
        CHOICE = "choice", "A choice"
        NUMBER = "number", "A number"

    label = models.CharField(max_length=80, help_text="Short name, e.g. Budget.")
    question = models.CharField(max_length=300, help_text="What the rep asks on the first call.")
    guidance = models.CharField(
        max_length=300, blank=True, help_text="What a good answer sounds like (optional)."
    )
    answer_type = models.CharField(
        max_length=10, choices=AnswerType.choices, default=AnswerType.YES_NO
    )
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text='For a choice: [{"value": "approved", "label": "Approved", "points": 100}].',
    )
    number_min = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Met from this number."
    )
    number_max = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Met up to this number."
    )
    weight = models.PositiveSmallIntegerField(default=10)
    must_have = models.BooleanField(default=False)
    rule_industries = models.JSONField(default=list, blank=True)
    rule_employees_min = models.PositiveIntegerField(null=True, blank=True)
    rule_employees_max = models.PositiveIntegerField(null=True, blank=True)
    rule_countries = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "criteria"

    def __str__(self):
        return self.label

    @property
    def has_profile_rule(self):
        return bool(
            self.rule_industries
            or self.rule_countries
            or self.rule_employees_min is not None
            or self.rule_employees_max is not None
        )


class CriteriaVersion(models.Model):
    """A frozen copy of the criteria and thresholds, made each time an admin changes them."""

    number = models.PositiveIntegerField(unique=True)
    criteria = models.JSONField(default=list, help_text="Snapshot of every criterion, in order.")
    qualify_at = models.PositiveSmallIntegerField(default=70)
    disqualify_below = models.PositiveSmallIntegerField(default=30)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"Criteria version {self.number}"


class QualificationQuerySet(OwnedQuerySet):
    owner_field = "lead__owner"

    def decided(self):
        return self.filter(decided_at__isnull=False)


class Qualification(models.Model):
    """The answers to one version's questions for a lead, their score and the decision.

    A lead has at most one working (undecided) qualification: answers gathered so far,
    e.g. from the profile rules at intake. A decision (qualify, keep working, disqualify)
    closes it and it becomes part of the lead's qualification history.
    """

    class Verdict(models.TextChoices):
        QUALIFY = "qualify", "Qualify"
        KEEP_WORKING = "keep_working", "Keep working"
        DISQUALIFY = "disqualify", "Disqualify"

    class Decision(models.TextChoices):
        QUALIFIED = "qualified", "Qualified"
        WORKING = "working", "Kept working"
        DISQUALIFIED = "disqualified", "Disqualified"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="qualifications")
    version = models.ForeignKey(CriteriaVersion, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict, blank=True, help_text="{criterion id: value}")
    results = models.JSONField(default=list, blank=True, help_text="Per-criterion outcome.")
    score = models.PositiveSmallIntegerField(default=0)
    verdict = models.CharField(max_length=15, choices=Verdict.choices)
    decision = models.CharField(max_length=15, choices=Decision.choices, blank=True)
    overridden = models.BooleanField(
        default=False, help_text="The rep qualified against the suggested verdict."
    )
    disqualification_reason = models.ForeignKey(
        DisqualificationReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = QualificationQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=models.Q(decided_at__isnull=True),
                name="one_working_qualification_per_lead",
            )
        ]

    def __str__(self):
        return f"{self.lead_id}: {self.score} ({self.verdict})"


# Intake forms and CSV imports live in their own module; imported here so Django finds them.
from .intake.models import (  # noqa: E402  (the app's models, defined by part)
    ImportJob,
    ImportRowResult,
    IntakeForm,
    IntakeSubmission,
)

__all__ = [
    "CriteriaVersion",
    "Criterion",
    "DisqualificationReason",
    "ImportJob",
    "ImportRowResult",
    "IntakeForm",
    "IntakeSubmission",
    "Lead",
    "Qualification",
]
