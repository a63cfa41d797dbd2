"""Reads of opportunity management: one access function per record, the plan page,
the Opportunities page, pending reviews and overdue next steps."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from calls.models import Call
from deals.models import Deal
from salesproc.access import get_visible_or_404

from .models import (
    DealCompetitor,
    OpportunityPlan,
    PlanActionItem,
    PlanSettings,
    Stakeholder,
    WinLossReview,
)

HELD_STATUSES = (Call.Status.COMPLETED, Call.Status.DEBRIEFED, Call.Status.REVIEWED)
PLAN_STATUSES = [
    ("none", "No plan"),
    ("incomplete", "Incomplete"),
    ("complete", "Complete"),
    ("stale", "Stale"),
]


def plan_settings() -> PlanSettings:
    """The admin's numbers; defaults until an admin saves them (selectors never write)."""
    return PlanSettings.objects.order_by("id").first() or PlanSettings()


# One access function per record


def get_plan_for_user(user, pk, *, for_write=False) -> OpportunityPlan:
    qs = OpportunityPlan.objects.select_related("deal", "deal__account", "prompt_version")
    return get_visible_or_404(qs, user, pk, for_write=for_write)


def get_stakeholder_for_user(user, pk, *, for_write=False) -> Stakeholder:
    qs = Stakeholder.objects.select_related("deal", "deal__account", "contact")
    return get_visible_or_404(qs, user, pk, for_write=for_write)


def get_deal_competitor_for_user(user, pk, *, for_write=False) -> DealCompetitor:
    qs = DealCompetitor.objects.select_related("deal", "deal__account", "competitor")
    return get_visible_or_404(qs, user, pk, for_write=for_write)


def get_action_item_for_user(user, pk, *, for_write=False) -> PlanActionItem:
    qs = PlanActionItem.objects.select_related("deal", "deal__account", "owner")
    return get_visible_or_404(qs, user, pk, for_write=for_write)


def get_review_for_user(user, pk, *, for_write=False) -> WinLossReview:
    qs = WinLossReview.objects.select_related(
        "deal", "deal__account", "deal__owner", "reason", "competitor", "strategy"
    )
    return get_visible_or_404(qs, user, pk, for_write=for_write)


# Plan status, in SQL


def stale_condition(settings=None):
    """Not touched for the admin's number of days while the deal moved on since."""
    settings = settings or plan_settings()
    cutoff = timezone.now() - timedelta(days=settings.stale_after_days)
    return Q(opportunity_plan__touched_at__lt=cutoff) & Q(
        stage_entered_at__gt=F("opportunity_plan__touched_at")
    )


def with_plan_status(deals, settings=None):
    """Annotate deals with plan_status (none, incomplete, complete, stale) and completeness."""
    return deals.annotate(
        plan_completeness=F("opportunity_plan__completeness"),
        plan_status=Case(
            When(opportunity_plan__isnull=True, then=Value("none")),
            When(stale_condition(settings), then=Value("stale")),
            When(opportunity_plan__completeness__gte=100, then=Value("complete")),
            default=Value("incomplete"),
            output_field=CharField(),
        ),
    )


def annotate_plan_completeness(deals):
    """Deals annotated with `plan`: their plan's stored completeness (None: no plan)."""
    completeness = OpportunityPlan.objects.filter(deal=OuterRef("pk")).values("completeness")[:1]
    return deals.annotate(plan=Subquery(completeness))


def deals_with_plan_status(deals, status, settings=None):
    """Deals (annotated by annotate_plan_completeness) whose plan has this status."""
    settings = settings or plan_settings()
    cutoff = timezone.now() - timedelta(days=settings.stale_after_days)
    stale = Exists(
        OpportunityPlan.objects.filter(
            Q(touched_at__lt=cutoff) & Q(touched_at__lt=OuterRef("stage_entered_at")),
            deal=OuterRef("pk"),
        )
    )
    if status == "none":
        return deals.filter(plan__isnull=True)
    if status == "stale":
        return deals.filter(stale)
    if status == "complete":
        return deals.filter(~stale, plan__gte=100)
    return deals.filter(~stale, plan__lt=100)


def plan_badges(*, user, deals):
    """{deal id: badge} for the board card and deal list (the registry's deal badges)."""
    ids = [d.pk for d in deals]
    if not ids:
        return {}
    settings = plan_settings()
    rows = with_plan_status(Deal.objects.filter(pk__in=ids), settings).values(
        "pk", "plan_status", "plan_completeness", "status"
    )
    badges = {}
    for row in rows:
        if row["status"] != Deal.Status.OPEN:
            continue
        status = row["plan_status"]
        if status == "none":
            badges[row["pk"]] = {"label": "No plan", "tone": "", "title": "No opportunity plan yet"}
            continue
        tone = {"complete": "good", "stale": "warn"}.get(status, "accent")
        label = f"Plan {row['plan_completeness']}%" + (" · stale" if status == "stale" else "")
        badges[row["pk"]] = {"label": label, "tone": tone, "title": "Opportunity plan completeness"}
    return badges


# The plan page


def last_engagement_subquery():
    """The last held call with the stakeholder's contact (read from calls)."""
    return Subquery(
        Call.objects.filter(contact=OuterRef("contact"), status__in=HELD_STATUSES)
        .order_by()
        .values("contact")
        .annotate(last=Max("completed_at"))
        .values("last")[:1]
    )


def plan_page(*, deal):
    """The plan, its stakeholders (with last engagement), competitors and next steps."""
    plan = (
        OpportunityPlan.objects.select_related("prompt_version", "strategy")
        .filter(deal=deal)
        .first()
    )
    stakeholders = list(
        Stakeholder.objects.filter(deal=deal)
        .select_related("contact")
        .annotate(last_engaged_at=last_engagement_subquery())
        .order_by("id")
    )
    competitors = list(
        DealCompetitor.objects.filter(deal=deal).select_related("competitor").order_by("id")
    )
    steps = list(
        PlanActionItem.objects.filter(deal=deal)
        .select_related("owner")
        .order_by(F("done_at").asc(nulls_first=True), F("due_date").asc(nulls_last=True), "id")
    )
    return {
        "plan": plan,
        "stakeholders": stakeholders,
        "deal_competitors": competitors,
        "steps": steps,
        "gaps": stakeholder_gaps(stakeholders),
        "stale": bool(plan and is_stale(plan=plan, deal=deal)),
        "today": timezone.localdate(),
    }


def is_stale(*, plan, deal, settings=None):
    settings = settings or plan_settings()
    cutoff = timezone.now() - timedelta(days=settings.stale_after_days)
    return plan.touched_at < cutoff and deal.stage_entered_at > plan.touched_at


def stakeholder_gaps(stakeholders):
    roles = {s.buying_role for s in stakeholders}
    gaps = []
    if Stakeholder.BuyingRole.ECONOMIC_BUYER not in roles:
        gaps.append("No economic buyer")
    if Stakeholder.BuyingRole.CHAMPION not in roles:
        gaps.append("No champion")
    for s in stakeholders:
        if s.stance == Stakeholder.Stance.OPPOSED and s.influence == Stakeholder.Influence.HIGH:
            gaps.append(f"An opposed high-influence stakeholder: {s.contact.full_name}")
    return gaps


# The Opportunities page

OPPORTUNITY_SORTS = {
    "amount": "-amount",
    "weighted": "-weighted_amount",
    "close": "expected_close_date",
    "completeness": "plan_completeness",
    "next_step": "next_step_due",
    "name": "name",
}


def opportunity_list(*, user, owner=None, plan_status="", gap="", sort="", search=""):
    """Open deals at or past the admin's probability, with plan status and gaps, in one query."""
    settings = plan_settings()
    deals = (
        Deal.objects.visible_to(user)
        .open()
        .filter(stage__probability__gte=settings.opportunity_probability)
        .with_list_data()
        .with_weighted_amount()
    )
    if owner is not None:
        deals = deals.filter(owner=owner)
    if search:
        deals = deals.filter(Q(name__icontains=search) | Q(account__name__icontains=search))
    role_exists = lambda role: Exists(  # noqa: E731
        Stakeholder.objects.filter(deal=OuterRef("pk"), buying_role=role)
    )
    deals = with_plan_status(deals, settings).annotate(
        has_economic_buyer=role_exists(Stakeholder.BuyingRole.ECONOMIC_BUYER),
        has_champion=role_exists(Stakeholder.BuyingRole.CHAMPION),
        has_strategy=ExpressionWrapper(
            Q(opportunity_plan__strategy__isnull=False), output_field=BooleanField()
        ),
        active_competitors=Subquery(
            DealCompetitor.objects.filter(deal=OuterRef("pk"), status=DealCompetitor.Status.ACTIVE)
            .order_by()
            .values("deal")
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        next_step_due=Subquery(
            PlanActionItem.objects.filter(deal=OuterRef("pk"), done_at__isnull=True)
            .exclude(due_date=None)
            .order_by("due_date")
            .values("due_date")[:1]
        ),
    )
    if plan_status in dict(PLAN_STATUSES):
        deals = deals.filter(plan_status=plan_status)
    if gap == "economic_buyer":
        deals = deals.filter(has_economic_buyer=False)
    elif gap == "champion":
        deals = deals.filter(has_champion=False)
    elif gap == "strategy":
        deals = deals.filter(Q(opportunity_plan__isnull=True) | Q(opportunity_plan__strategy=None))
    elif gap == "competitors":
        deals = deals.filter(active_competitors__gt=0)
    order = OPPORTUNITY_SORTS.get(sort.lstrip("-"), "-weighted_amount")
    if sort.startswith("-") and sort.lstrip("-") in OPPORTUNITY_SORTS:
        order = order[1:] if order.startswith("-") else f"-{order}"
    field = order.lstrip("-")
    ordering = (
        F(field).desc(nulls_last=True) if order.startswith("-") else F(field).asc(nulls_last=True)
    )
    return deals.order_by(ordering, "id")


def opportunity_totals(deals):
    from django.db.models import Sum

    totals = deals.order_by().aggregate(
        total_count=Count("id"),
        total_amount=Sum("amount"),
        total_weighted=Sum(
            ExpressionWrapper(
                F("amount") * F("stage__probability") / Value(Decimal("100")),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            )
        ),
    )
    return {k.removeprefix("total_"): v or 0 for k, v in totals.items()}


# Home


def pending_reviews(*, user):
    return (
        WinLossReview.objects.filter(deal__owner=user, status=WinLossReview.Status.PENDING)
        .select_related("deal", "deal__account")
        .order_by("requested_at", "id")
    )


def overdue_steps(*, user, today=None):
    today = today or timezone.localdate()
    return (
        PlanActionItem.objects.filter(
            owner=user, done_at__isnull=True, due_date__lt=today, deal__status=Deal.Status.OPEN
        )
        .select_related("deal")
        .order_by("due_date", "id")
    )
