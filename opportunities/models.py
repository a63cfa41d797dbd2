"""Opportunity planning on a deal, the catalogues it draws on, and win/loss reviews.

A plan hangs on `deals.Deal` and never copies its amount, stage or dates.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from salesproc.models import OwnedQuerySet


class PlanSettings(models.Model):
    """The admin's numbers for the process (one row, created on first save)."""

    stale_after_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="A plan not touched for this many days while the deal moved on is stale.",
    )
    min_sample = models.PositiveSmallIntegerField(
        default=10, help_text="What works: rows with fewer closed deals are greyed out."
    )
    opportunity_probability = models.PositiveSmallIntegerField(
        default=25,
        help_text="The Opportunities page lists open deals at or past this win probability (%).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "plan settings"


class PlanPrompt(models.Model):
    """One question of the plan, live and editable; every change publishes a version."""

    class Section(models.TextChoices):
        PROBLEM = "problem", "Business problem"
        STAKEHOLDERS = "stakeholders", "Stakeholders"
        COMPETITION = "competition", "Competition"
        STRATEGY = "strategy", "Win strategy"
        NEXT_STEPS = "next_steps", "Next steps"
        EXTRA = "extra", "Further question"

    section = models.CharField(max_length=20, choices=Section.choices)
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class PlanPromptVersion(models.Model):
    """A frozen copy of the prompts; a plan keeps the wording it was written against."""

    number = models.PositiveIntegerField(unique=True)
    prompts = models.JSONField(default=list, help_text='[{"id", "section", "text"}], in order.')
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"Plan prompts version {self.number}"

    def prompt_for(self, section):
        for prompt in self.prompts:
            if prompt["section"] == section:
                return prompt["text"]
        return ""

    @property
    def extra_prompts(self):
        return [p for p in self.prompts if p["section"] == PlanPrompt.Section.EXTRA]


class StageRule(models.Model):
    """Opportunity rules of a stage: whether a deal needs a complete plan to leave it."""

    stage = models.OneToOneField(
        "deals.Stage", on_delete=models.CASCADE, related_name="opportunity_rule"
    )
    requires_complete_plan = models.BooleanField(default=False)


class Competitor(models.Model):
    class Kind(models.TextChoices):
        VENDOR = "vendor", "Competitor"
        DO_NOTHING = "do_nothing", "Do nothing"
        IN_HOUSE = "in_house", "Build in-house"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VENDOR)
    website = models.URLField(blank=True)
    strengths = models.TextField(blank=True)
    weaknesses = models.TextField(blank=True)
    landmines = models.TextField(blank=True, help_text="Questions that expose their weak spots.")
    how_we_win = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class WinStrategy(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "win strategies"

    def __str__(self):
        return self.name


class WinLossReason(models.Model):
    class Outcome(models.TextChoices):
        WON = "won", "Won"
        LOST = "lost", "Lost"

    outcome = models.CharField(max_length=4, choices=Outcome.choices)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["outcome", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "name"], name="unique_win_loss_reason")
        ]

    def __str__(self):
        return self.name


class DealOwnedQuerySet(OwnedQuerySet):
    """Visible exactly when the deal is."""

    owner_field = "deal__owner"


class OpportunityPlan(models.Model):
    deal = models.OneToOneField(
        "deals.Deal", on_delete=models.CASCADE, related_name="opportunity_plan"
    )
    prompt_version = models.ForeignKey(
        PlanPromptVersion, on_delete=models.PROTECT, related_name="plans"
    )
    # Business problem
    problem = models.TextField(blank=True, help_text="The problem, in the customer's words.")
    impact = models.TextField(blank=True)
    impact_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Money per year."
    )
    desired_outcome = models.TextField(blank=True)
    decision_process = models.TextField(blank=True)
    decision_date = models.DateField(null=True, blank=True)
    # Win strategy
    strategy = models.ForeignKey(
        WinStrategy, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    strategy_notes = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="Further questions: id -> text.")
    # Kept by the services whenever the plan or its parts change (sortable in SQL).
    completeness = models.PositiveSmallIntegerField(default=0)
    missing = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    touched_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = DealOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-touched_at", "id"]

    def __str__(self):
        return f"Plan for {self.deal}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("opportunities:plan_edit", args=[self.deal_id])


class Stakeholder(models.Model):
    class BuyingRole(models.TextChoices):
        ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
        DECISION_MAKER = "decision_maker", "Decision maker"
        CHAMPION = "champion", "Champion"
        INFLUENCER = "influencer", "Influencer"
        USER = "user", "User"
        TECHNICAL_EVALUATOR = "technical_evaluator", "Technical evaluator"
        PROCUREMENT = "procurement", "Procurement / legal"
        BLOCKER = "blocker", "Blocker"

    class Stance(models.TextChoices):
        SUPPORTER = "supporter", "Supporter"
        NEUTRAL = "neutral", "Neutral"
        OPPOSED = "opposed", "Opposed"
        UNKNOWN = "unknown", "Unknown"

    class Influence(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="stakeholders")
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.CASCADE, related_name="stakeholder_roles"
    )
    buying_role = models.CharField(max_length=30, choices=BuyingRole.choices)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.UNKNOWN)
    influence = models.CharField(max_length=10, choices=Influence.choices, default=Influence.MEDIUM)
    cares_about = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DealOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "contact"], name="unique_stakeholder_per_deal")
        ]

    def __str__(self):
        return f"{self.contact} ({self.get_buying_role_display()})"


class DealCompetitor(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ELIMINATED = "eliminated", "Eliminated"

    deal = models.ForeignKey(
        "deals.Deal", on_delete=models.CASCADE, related_name="deal_competitors"
    )
    competitor = models.ForeignKey(
        Competitor, on_delete=models.PROTECT, related_name="deal_competitors"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    strengths = models.TextField(blank=True)
    weaknesses = models.TextField(blank=True)
    positioning = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DealOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "competitor"], name="unique_competitor_per_deal"
            )
        ]

    def __str__(self):
        return f"{self.competitor} on {self.deal}"


class PlanActionItem(models.Model):
    deal = models.ForeignKey(
        "deals.Deal", on_delete=models.CASCADE, related_name="plan_action_items"
    )
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_action_items"
    )
    due_date = models.DateField(null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DealOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_date", "id"]

    def __str__(self):
        return self.text

    @property
    def is_done(self):
        return self.done_at is not None


class WinLossReview(models.Model):
    class Outcome(models.TextChoices):
        WON = "won", "Won"
        LOST = "lost", "Lost"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"

    deal = models.ForeignKey(
        "deals.Deal", on_delete=models.CASCADE, related_name="win_loss_reviews"
    )
    outcome = models.CharField(max_length=4, choices=Outcome.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.ForeignKey(
        WinLossReason, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    competitor = models.ForeignKey(
        Competitor, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    strategy = models.ForeignKey(
        WinStrategy, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    what_worked = models.TextField(blank=True)
    what_did_not = models.TextField(blank=True)
    manager_note = models.TextField(blank=True)
    plan_completeness = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The plan's completeness when the deal closed."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DealOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # the subscriber may run twice: one review per deal and outcome
            models.UniqueConstraint(fields=["deal", "outcome"], name="unique_review_per_outcome")
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} review of {self.deal}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("opportunities:review_edit", args=[self.pk])
