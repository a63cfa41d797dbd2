from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Section(models.TextChoices):
    RELATIONSHIP = "relationship", "Our relationship with the customer"
    NEEDS = "needs", "The customer's business needs"
    ACTIONS = "actions", "The action plan"
    REVENUE = "revenue", "Revenue"
    RISKS = "risks", "Risks"


class PlanPrompt(models.Model):
    """A question a plan answers. Admins reword and extend them; a plan keeps the wording
    it was written against (AccountPlan.prompts)."""

    key = models.SlugField(max_length=60, unique=True)
    section = models.CharField(max_length=20, choices=Section.choices)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class PlanSettings(models.Model):
    """The one row of account-plan settings an admin sets."""

    review_interval_days = models.PositiveSmallIntegerField(
        default=91, help_text="An approved plan is due for review this many days later."
    )
    handoff_due_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="A handoff not submitted this many days after the win shows to the manager.",
    )

    def __str__(self):
        return "Account plan settings"


class PlanQuerySet(models.QuerySet):
    account_path = "account"

    def visible_to(self, user):
        """Exactly when the account is visible (its account manager included)."""
        from accounts.models import Account

        return self.filter(
            **{f"{self.account_path}__in": Account.objects.visible_to(user).values("pk")}
        )


class AccountPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="plans")
    period = models.CharField(max_length=20, help_text="For example FY2027.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    # [{"key", "section", "text", "help_text"}]: the wording when the plan was started
    prompts = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True)  # {prompt key: text}
    retention_target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    growth_target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    review_comment = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_version = models.PositiveIntegerField(null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["account", "-period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="unique_account_plan_period")
        ]

    def __str__(self):
        return f"{self.account} {self.period}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("accounts:plan_detail", args=[self.pk])


class AccountPlanVersion(models.Model):
    """What a plan said after each saved change (answers and targets), to show what
    changed since the last approval."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=AccountPlan.Status.choices)
    data = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="unique_plan_version")
        ]


class PlanItemQuerySet(PlanQuerySet):
    account_path = "plan__account"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class AccountNeed(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        ADDRESSED = "addressed", "Addressed"
        MET = "met", "Met"

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="needs")
    description = models.CharField(max_length=300)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    source = models.CharField(max_length=200, blank=True, help_text="Who said it.")
    source_date = models.DateField(null=True, blank=True, help_text="When they said it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self):
        return self.description


class AccountAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_actions"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    need = models.ForeignKey(
        AccountNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "due_date", "id"]
        indexes = [
            models.Index(
                fields=["owner", "due_date"], name="open_action_idx", condition=Q(status="open")
            )
        ]

    def __str__(self):
        return self.description


class AccountRisk(models.Model):
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(max_length=300)
    likelihood = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    impact = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    mitigation = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_risks",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self):
        return self.description


class RelationshipEntry(models.Model):
    """One row of the plan's relationship map: a contact of the account, their role, our
    counterpart and how strong the tie is. The row marked executive sponsor names the
    customer's sponsor (the contact) and ours (the counterpart)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="relationships")
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.CASCADE, related_name="plan_relationships"
    )
    role = models.CharField(max_length=120, blank=True, help_text="Their part in buying.")
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_relationships",
        help_text="Who on our side knows them.",
    )
    strength = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (barely know them) to 5 (trusted).",
    )
    is_executive_sponsor = models.BooleanField(
        default=False,
        verbose_name="Executive sponsor",
        help_text="The customer's executive sponsor; the counterpart is ours.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-is_executive_sponsor", "-strength", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "contact"], name="unique_plan_contact"),
            models.CheckConstraint(
                condition=Q(strength__gte=1, strength__lte=5), name="relationship_strength_1_5"
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def description(self):
        return f"{self.contact.full_name}{f' ({self.role})' if self.role else ''}"
