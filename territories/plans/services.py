"""Writes for territory plans: create (top accounts generated), edit, submit, review."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account
from salesproc.events import record_event
from salesproc.models import User
from territories.models import Territory, TerritoryPlan, TerritoryPlanAccount
from territories.potential.selectors import policies, with_tier

TOP_ACCOUNTS = 15
EDITABLE = (TerritoryPlan.Status.DRAFT, TerritoryPlan.Status.CHANGES_REQUESTED)
MAX_TARGET_FACTOR = 3  # without an admin ceiling: up to three times the policy's visits


def target_limits(policy) -> tuple[int, int]:
    """What a plan may ask of a tier, per period: at least the policy's visits, at most the
    admin's ceiling (three times the policy's when the admin set none)."""
    low = policy.visits_per_period
    if policy.plan_max_visits is not None:
        return low, max(low, policy.plan_max_visits)
    return low, max(1, low) * MAX_TARGET_FACTOR


def may_write(actor: User, territory: Territory) -> bool:
    return (
        actor.pk == territory.rep_id
        or Territory.objects.editable_by(actor).filter(pk=territory.pk).exists()
    )


def may_review(actor: User, plan: TerritoryPlan) -> bool:
    if actor.pk == plan.author_id or actor.pk == plan.territory.rep_id:
        return False  # nobody reviews their own plan
    return Territory.objects.editable_by(actor).filter(pk=plan.territory_id).exists()


@transaction.atomic
def territory_plan_create(
    *, actor: User, territory: Territory, period_start: date, period_end: date
) -> TerritoryPlan:
    """A draft plan with the territory's top accounts by potential (those the author sees)."""
    if not may_write(actor, territory):
        raise ValidationError({"territory": "Only the territory's rep or manager plans it."})
    if period_end < period_start:
        raise ValidationError({"period_end": "The period must end after it starts."})
    if (period_end - period_start).days > 366:
        raise ValidationError({"period_end": "Plan a year at most."})
    targets = {p.tier: p.visits_per_period for p in policies()}
    try:
        with transaction.atomic():
            plan = TerritoryPlan.objects.create(
                territory=territory,
                period_start=period_start,
                period_end=period_end,
                tier_targets=targets,
                author=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"period_start": "This territory already has a plan starting that day."}
        ) from None
    top = (
        with_tier(
            Account.objects.visible_to(actor).filter(territory_assignment__territory=territory),
            territory_ids=[territory.pk],
        )
        .order_by(F("potential").desc(), "name")
        .values_list("pk", "potential", "tier")[:TOP_ACCOUNTS]
    )
    TerritoryPlanAccount.objects.bulk_create(
        [
            TerritoryPlanAccount(plan=plan, account_id=pk, rank=n, potential=potential, tier=tier)
            for n, (pk, potential, tier) in enumerate(top, start=1)
        ]
    )
    record_event(
        subject=plan,
        name="territory_plan.created",
        actor=actor,
        summary=f"Territory plan for {territory.name} from {period_start:%d %b %Y}",
        also=[territory],
    )
    return plan


def _lock(plan):
    return TerritoryPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def territory_plan_update(
    *,
    actor: User,
    plan: TerritoryPlan,
    notes: dict[int, str] | None = None,
    tier_targets: dict[str, int] | None = None,
    service_text: str | None = None,
    coverage_target_percent: int | None = None,
) -> TerritoryPlan:
    """The rep's answers: a note per top account, tier targets (at least the policy's,
    at most three times it), how each gets the right service, a coverage target."""
    plan = _lock(plan)
    if not may_write(actor, plan.territory):
        raise ValidationError({"territory": "Only the territory's rep or manager edits its plan."})
    if plan.status not in EDITABLE:
        raise ValidationError(
            {"status": "The plan is awaiting review or approved: it can no longer be edited."}
        )
    errors = {}
    if tier_targets is not None:
        limits = {p.tier: target_limits(p) for p in policies()}
        cleaned = {}
        for tier, value in tier_targets.items():
            if tier not in limits:
                errors["tier_targets"] = f"Unknown tier {tier}."
                continue
            low, high = limits[tier]
            if not isinstance(value, int) or not low <= value <= high:
                errors["tier_targets"] = (
                    f"Tier {tier}: between {low} and {high} visits per period "
                    f"(the admin's tier policy allows {low} to {high})."
                )
                continue
            cleaned[tier] = value
        plan.tier_targets = {**plan.tier_targets, **cleaned}
    if coverage_target_percent is not None:
        if not 0 <= coverage_target_percent <= 100:
            errors["coverage_target_percent"] = "Give a coverage target from 0 to 100%."
        plan.coverage_target_percent = coverage_target_percent
    if service_text is not None:
        if len(service_text) > 5000:
            errors["service_text"] = "Keep it under 5,000 characters."
        plan.service_text = service_text.strip()
    if errors:
        raise ValidationError(errors)
    plan.save(update_fields=["tier_targets", "coverage_target_percent", "service_text"])
    if notes:
        rows = {row.account_id: row for row in plan.top_accounts.all()}
        changed = []
        for account_id, note in notes.items():
            row = rows.get(account_id)
            if row is None:
                raise ValidationError(
                    {"notes": "That account is not among the plan's top accounts."}
                )
            row.note = (note or "").strip()[:2000]
            changed.append(row)
        TerritoryPlanAccount.objects.bulk_update(changed, ["note"])
    return plan


@transaction.atomic
def territory_plan_submit(*, actor: User, plan: TerritoryPlan) -> TerritoryPlan:
    plan = _lock(plan)
    if not may_write(actor, plan.territory):
        raise ValidationError({"status": "Only the territory's rep or manager submits its plan."})
    if plan.status not in EDITABLE:
        raise ValidationError({"status": "The plan is already awaiting review or approved."})
    if not plan.service_text:
        raise ValidationError(
            {"service_text": "Say how each account gets the right service before submitting."}
        )
    plan.status, plan.submitted_at = TerritoryPlan.Status.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    record_event(
        subject=plan, name="territory_plan.submitted", actor=actor, summary="Plan sent for review"
    )
    return plan


@transaction.atomic
def territory_plan_review(
    *, actor: User, plan: TerritoryPlan, approve: bool, comment: str = ""
) -> TerritoryPlan:
    """The manager approves, or comments and asks for changes (a comment is required)."""
    plan = _lock(plan)
    if not may_review(actor, plan):
        raise ValidationError({"status": "Only the territory's manager reviews its plan."})
    if plan.status != TerritoryPlan.Status.SUBMITTED:
        raise ValidationError({"status": "Only a plan awaiting review can be reviewed."})
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": "Say what should change."})
    plan.status = (
        TerritoryPlan.Status.APPROVED if approve else TerritoryPlan.Status.CHANGES_REQUESTED
    )
    plan.reviewer, plan.review_comment, plan.reviewed_at = actor, comment[:5000], timezone.now()
    plan.save(update_fields=["status", "reviewer", "review_comment", "reviewed_at"])
    record_event(
        subject=plan,
        name="territory_plan.approved" if approve else "territory_plan.changes_requested",
        actor=actor,
        summary="Plan approved" if approve else f"Changes requested: {comment[:200]}",
    )
    return plan
