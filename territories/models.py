"""Territory management (PROCESSES.md, 5): territories in a hierarchy, each with its field
rep, and the assignment rules that decide which territory an account belongs to.

An account's territory is a row of its own (`AccountTerritory`), so `accounts` knows
nothing of territories; a pinned row keeps the territory a person chose by hand.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from salesproc.models import owned_by_visible


def _of_teams(team_ids):
    """Territories of these teams, or covered by one of their reps. Subqueries, not joins,
    so that a row lock (select_for_update) works on PostgreSQL."""
    from salesproc.models import User

    reps = User.objects.filter(team_id__in=team_ids).values("pk")
    return Q(team_id__in=team_ids) | Q(rep_id__in=reps)


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A rep sees their territories; a manager the team's; an admin all."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_crm_admin:
            return self
        condition = Q(rep=user)
        if user.managed_team_ids:
            condition |= _of_teams(user.managed_team_ids)
        return self.filter(condition)

    def editable_by(self, user):
        """What `user` may change: an admin all, a manager the team's, a rep nothing."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_crm_admin:
            return self
        if user.managed_team_ids:
            return self.filter(_of_teams(user.managed_team_ids))
        return self.none()


class Territory(models.Model):
    """A region (a territory with children) or a territory a field rep covers."""

    name = models.CharField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="territories",
    )
    # The team whose manager looks after it (the rep's team by default).
    team = models.ForeignKey(
        "salesproc.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="territories",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "territories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:territory_detail", args=[self.pk])


class AssignmentRuleQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(territory__in=Territory.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(territory__in=Territory.objects.editable_by(user))


class AssignmentRule(models.Model):
    """Accounts matching every condition given belong to the rule's territory.

    Rules are tried by priority (lowest first) and the first match wins; empty lists and
    blank numbers are conditions not asked. Text conditions ignore case; postcodes match
    by prefix; the radius is measured along the earth's surface (haversine).
    """

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="rules")
    priority = models.PositiveIntegerField(unique=True)
    countries = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)
    cities = models.JSONField(default=list, blank=True)
    postcode_prefixes = models.JSONField(default=list, blank=True)
    industries = models.JSONField(default=list, blank=True)
    statuses = models.JSONField(default=list, blank=True)
    employees_min = models.PositiveIntegerField(null=True, blank=True)
    employees_max = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    radius_km = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentRuleQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self):
        return f"#{self.priority} → {self.territory}"

    @property
    def conditions(self):
        """The rule in words, one phrase per condition."""
        phrases = []
        for label, values in (
            ("country", self.countries),
            ("region", self.regions),
            ("city", self.cities),
            ("postcode starts with", self.postcode_prefixes),
            ("industry", self.industries),
            ("status", self.statuses),
        ):
            if values:
                phrases.append(f"{label} {', '.join(values)}")
        if self.employees_min is not None or self.employees_max is not None:
            low = self.employees_min if self.employees_min is not None else 0
            high = self.employees_max if self.employees_max is not None else "any"
            phrases.append(f"{low}–{high} employees")
        if self.radius_km is not None:
            phrases.append(
                f"within {self.radius_km.normalize():f} km of "
                f"{self.latitude:.4f}, {self.longitude:.4f}"
            )
        return phrases


class AccountTerritory(models.Model):
    """Which territory an account is in; `pinned` keeps a hand-made choice from the rules."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="territory_assignment"
    )
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    pinned = models.BooleanField(default=False)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["territory", "pinned"])]

    def __str__(self):
        return f"{self.account_id} → {self.territory_id}"


class TerritorySettings(models.Model):
    """The admin's choices for the process (one row)."""

    owner_follows_rep = models.BooleanField(
        "account owner follows the territory's rep",
        default=False,
        help_text="When an account moves into a territory with a rep, that rep becomes its owner.",
    )

    class TierMode(models.TextChoices):
        THRESHOLDS = "thresholds", "By potential thresholds"
        SHARE = "share", "By share of the territory's accounts"

    tier_mode = models.CharField(
        max_length=12, choices=TierMode.choices, default=TierMode.THRESHOLDS
    )
    # The territory plan's three questions (PROCESSES.md, 5); admins may reword them.
    plan_question_accounts = models.CharField(
        max_length=300, default="Who are the biggest customers and prospects in my territory?"
    )
    plan_question_attention = models.CharField(
        max_length=300, default="What kind of attention does each deserve?"
    )
    plan_question_service = models.CharField(
        max_length=300, default="How do I make sure each gets the right service?"
    )

    class Meta:
        verbose_name_plural = "territory settings"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class AssignmentRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self if user.is_crm_admin else self.filter(started_by=user)


class AssignmentRun(models.Model):
    """One re-run of the rules over every account, done in a Celery task with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class Tier(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class PotentialBand(models.Model):
    """The admin's potential model: what an account of this industry and size is worth a
    year. The size is measured by employees or by annual revenue (the band's `basis`);
    a blank bound is open, a blank industry is any industry. The most specific band that
    fits is used: the industry's own before "any industry", then the higher lower bound
    (employees before revenue). Bands of one industry and basis may not overlap."""

    class Basis(models.TextChoices):
        EMPLOYEES = "employees", "Employees"
        REVENUE = "revenue", "Annual revenue"

    industry = models.CharField(max_length=100, blank=True)
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.EMPLOYEES)
    employees_min = models.PositiveIntegerField(null=True, blank=True)
    employees_max = models.PositiveIntegerField(null=True, blank=True)
    revenue_min = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    revenue_max = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    yearly_value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["industry", "basis", "employees_min", "revenue_min", "id"]

    @property
    def bounds(self):
        if self.basis == self.Basis.REVENUE:
            return self.revenue_min, self.revenue_max
        return self.employees_min, self.employees_max

    @property
    def size(self) -> str:
        low, high = self.bounds
        unit = "revenue" if self.basis == self.Basis.REVENUE else "employees"
        if low is None and high is None:
            return f"any {unit}"

        def fmt(value):
            return f"{value:,.2f}".removesuffix(".00")

        low_text = fmt(low) if low is not None else "0"
        high_text = fmt(high) if high is not None else "any"
        return f"{low_text}–{high_text} {unit}"

    def __str__(self):
        return f"{self.industry or 'Any industry'}, {self.size}: {self.yearly_value}"


class PotentialOverride(models.Model):
    """A rep's own figure for an account's potential, with the reason that shows on it."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="potential_override"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.account_id}: {self.value}"


class TierPolicy(models.Model):
    """What attention a tier deserves, and what puts an account in it.

    By thresholds: an account is in the first tier (A to D) whose `min_potential` it
    reaches. By share: the top `top_share_percent` of a territory's accounts by potential
    are A, the next share B, and so on; D takes the rest.
    """

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    tier = models.CharField(max_length=1, choices=Tier.choices, unique=True)
    min_potential = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    top_share_percent = models.PositiveSmallIntegerField(default=25)
    visits_per_period = models.PositiveSmallIntegerField(default=1)
    period_weeks = models.PositiveSmallIntegerField(default=4)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IN_PERSON)
    min_gap_days = models.PositiveSmallIntegerField(default=7)
    # How far a territory plan may raise the visits (rep or manager; the admin's ceiling).
    plan_max_visits = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Blank: three times the policy's visits."
    )
    # The response model: the k-th visit in a period is worth potential x p x r^(k-1).
    response_p = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.100"))
    response_r = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.600"))

    class Meta:
        ordering = ["tier"]
        verbose_name_plural = "tier policies"

    def __str__(self):
        return f"Tier {self.tier}"


class RepBase(models.Model):
    """Where a field rep's working days start and end (for routes and distances)."""

    rep = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="territory_base"
    )
    label = models.CharField(max_length=120, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)

    def __str__(self):
        return self.label or f"{self.latitude}, {self.longitude}"


class CallPatternQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A rep sees their own patterns; a manager the team's; an admin all."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_crm_admin:
            return self
        return self.filter(owned_by_visible("rep", user))


class CallPattern(models.Model):
    """Proposed visits for a field rep's next weeks that maximise expected return."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_patterns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField()
    weeks = models.PositiveSmallIntegerField()
    visits_per_day = models.PositiveSmallIntegerField()
    working_days = models.PositiveSmallIntegerField()
    base_latitude = models.DecimalField(max_digits=9, decimal_places=6)
    base_longitude = models.DecimalField(max_digits=9, decimal_places=6)
    expected_return = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    current_expected_return = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    reduced_capacity_return = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CallPatternQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.rep} from {self.starts_on}"

    def get_absolute_url(self):
        return reverse("territories:pattern_detail", args=[self.pk])


class PatternVisit(models.Model):
    """One proposed visit. Accepting its week plans its call; what then happens to the call
    updates the visit (an event subscriber): held, or cancelled (also a no-show or a
    deleted call), which puts the account back among those that need a visit: accepting
    the week again plans a new call for it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled: needs a visit"

    pattern = models.ForeignKey(CallPattern, on_delete=models.CASCADE, related_name="visits")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    week = models.PositiveSmallIntegerField()  # 1..weeks
    day = models.PositiveSmallIntegerField()  # 1..working_days
    order = models.PositiveSmallIntegerField()  # place in the day's route
    tier = models.CharField(max_length=1)
    expected_return = models.DecimalField(max_digits=16, decimal_places=2)
    distance_km = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    call = models.OneToOneField(
        "calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)

    class Meta:
        ordering = ["week", "day", "order"]


class TerritoryPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(territory__in=Territory.objects.visible_to(user))


class TerritoryPlan(models.Model):
    """A field rep's plan for a territory and period, reviewed by the manager."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="plans")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # "What kind of attention does each deserve?": visits per period per tier, at least
    # what the admin's tier policy asks.
    tier_targets = models.JSONField(default=dict, blank=True)
    service_text = models.TextField(blank=True)
    coverage_target_percent = models.PositiveSmallIntegerField(default=90)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TerritoryPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "period_start"], name="one_plan_per_territory_period"
            )
        ]

    def __str__(self):
        return f"{self.territory} {self.period_start:%b %Y}"

    def get_absolute_url(self):
        return reverse("territories:plan_detail", args=[self.pk])


class TerritoryPlanAccount(models.Model):
    """One of the plan's top accounts by potential (generated), with the rep's note."""

    plan = models.ForeignKey(TerritoryPlan, on_delete=models.CASCADE, related_name="top_accounts")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    potential = models.DecimalField(max_digits=16, decimal_places=2)
    tier = models.CharField(max_length=1)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "account"], name="plan_account_once")
        ]
