"""Writes for potential and tiers: a rep's override, the admin's tier policies and bands."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from salesproc.events import record_event
from salesproc.models import User
from territories.models import PotentialBand, PotentialOverride, TerritorySettings, TierPolicy

from .selectors import DEFAULT_POLICIES

MAX_POTENTIAL = Decimal("1000000000000")


def _money(value, field):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: "Enter an amount."}) from None
    if not number.is_finite() or number < 0 or number >= MAX_POTENTIAL:
        raise ValidationError({field: "Enter an amount of 0 or more."})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def potential_override_set(
    *, actor: User, account: Account, value: Decimal | None, reason: str = ""
) -> PotentialOverride | None:
    """Set (or, with value None, remove) the rep's own figure for the account's potential."""
    if not Account.objects.visible_to(actor).filter(pk=account.pk).exists():
        raise ValidationError({"account": "This account does not exist or you cannot see it."})
    current = PotentialOverride.objects.select_for_update().filter(account=account).first()
    if value is None:
        if current is None:
            raise ValidationError({"value": "This account's potential is not overridden."})
        current.delete()
        record_event(
            subject=account,
            name="account.potential_override_removed",
            actor=actor,
            summary="Potential override removed: the potential model decides again",
        )
        return None
    value = _money(value, "value")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the potential differs from the model's."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Keep the reason under 300 characters."})
    override = current or PotentialOverride(account=account)
    override.value, override.reason = value, reason
    override.set_by, override.set_at = actor, timezone.now()
    override.save()
    record_event(
        subject=account,
        name="account.potential_overridden",
        actor=actor,
        summary=f"Potential set to {value:,.0f}: {reason}",
        data={"value": str(value), "reason": reason},
    )
    return override


POLICY_LIMITS = {
    "visits_per_period": (0, 60),
    "period_weeks": (1, 52),
    "min_gap_days": (0, 365),
    "top_share_percent": (0, 100),
}


@transaction.atomic
def tier_policy_update(*, actor: User, tier: str, **values) -> TierPolicy:
    """Change one tier's policy (admin only). Thresholds must fall from A to D and the
    shares of A to C must leave room for D."""
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can change the tier policies.")
    if tier not in DEFAULT_POLICIES:
        raise ValidationError({"tier": "Choose tier A, B, C or D."})
    policy = TierPolicy.objects.select_for_update().filter(tier=tier).first()
    if policy is None:
        low, share, visits, weeks, channel, gap = DEFAULT_POLICIES[tier]
        policy = TierPolicy(
            tier=tier,
            min_potential=low,
            top_share_percent=share,
            visits_per_period=visits,
            period_weeks=weeks,
            channel=channel,
            min_gap_days=gap,
        )
    errors = {}
    for field, value in values.items():
        if field == "min_potential":
            try:
                value = _money(value, field)
            except ValidationError as exc:
                errors.update(exc.error_dict)
                continue
        elif field in ("response_p", "response_r"):
            try:
                value = Decimal(str(value))
            except (InvalidOperation, ValueError):
                errors[field] = "Enter a number between 0 and 1."
                continue
            if not Decimal(0) < value <= Decimal(1):
                errors[field] = "Enter a number above 0 and at most 1."
                continue
        elif field == "channel":
            if value not in TierPolicy.Channel.values:
                errors[field] = "Choose in person, video or phone."
                continue
        elif field == "plan_max_visits":
            if value is not None and (not isinstance(value, int) or not 0 <= value <= 180):
                errors[field] = "Enter a whole number from 0 to 180, or leave it blank."
                continue
        elif field in POLICY_LIMITS:
            low, high = POLICY_LIMITS[field]
            if not isinstance(value, int) or not low <= value <= high:
                errors[field] = f"Enter a whole number from {low} to {high}."
                continue
        else:
            raise ValidationError({field: "Not part of a tier policy."})
        setattr(policy, field, value)
    if (
        not errors
        and policy.plan_max_visits is not None
        and policy.plan_max_visits < policy.visits_per_period
    ):
        errors["plan_max_visits"] = "A plan may not ask fewer visits than the policy itself."
    if not errors:
        from .selectors import policies

        others = {p.tier: p for p in policies() if p.tier != tier}
        others[tier] = policy
        ordered = [others[t] for t in sorted(others)]
        for higher, lower in zip(ordered, ordered[1:], strict=False):
            if lower.min_potential > higher.min_potential:
                errors["min_potential"] = (
                    f"Tier {lower.tier}'s threshold cannot be above tier {higher.tier}'s."
                )
        if sum(p.top_share_percent for p in ordered[:-1]) > 100:
            errors["top_share_percent"] = "Tiers A to C cannot take more than 100% together."
    if errors:
        raise ValidationError(errors)
    policy.save()
    return policy


@transaction.atomic
def tier_mode_set(*, actor: User, mode: str) -> TerritorySettings:
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can change how tiers are decided.")
    if mode not in TerritorySettings.TierMode.values:
        raise ValidationError({"tier_mode": "Choose thresholds or share."})
    current, _ = TerritorySettings.objects.get_or_create(pk=1)
    current.tier_mode = mode
    current.save(update_fields=["tier_mode"])
    return current


def _bound(value, field, *, whole):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: "Enter a number."}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({field: "Enter a number of 0 or more."})
    if whole:
        if number != number.to_integral_value() or number > 2_000_000_000:
            raise ValidationError({field: "Enter a whole number of employees."})
        return int(number)
    if number >= Decimal("1e14"):
        raise ValidationError({field: "Enter a smaller amount."})
    return number.quantize(Decimal("0.01"))


def _overlaps(low, high, other_low, other_high) -> bool:
    """Closed ranges; a missing bound is open."""
    return (low is None or other_high is None or low <= other_high) and (
        other_low is None or high is None or other_low <= high
    )


@transaction.atomic
def potential_band_save(
    *,
    actor: User,
    band: PotentialBand | None = None,
    industry: str = "",
    basis: str = PotentialBand.Basis.EMPLOYEES,
    employees_min=None,
    employees_max=None,
    revenue_min=None,
    revenue_max=None,
    yearly_value=None,
) -> PotentialBand:
    """Create or change a band of the potential model (admin only): a yearly value for an
    industry (blank: any) and a size band by employees or by annual revenue. Bounds are
    0 or more, the lower at most the upper, and bands of one industry and basis may not
    overlap (else which value applies would be a guess)."""
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can change the potential model.")
    if basis not in PotentialBand.Basis.values:
        raise ValidationError({"basis": "Choose employees or annual revenue."})
    industry = (industry or "").strip()
    if len(industry) > 100:
        raise ValidationError({"industry": "Keep the industry under 100 characters."})
    revenue = basis == PotentialBand.Basis.REVENUE
    low_field, high_field = (
        ("revenue_min", "revenue_max") if revenue else ("employees_min", "employees_max")
    )
    errors = {}
    bounds = {}
    for field, value in ((low_field, revenue_min if revenue else employees_min),
                         (high_field, revenue_max if revenue else employees_max)):  # fmt: skip
        try:
            bounds[field] = _bound(value, field, whole=not revenue)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    try:
        yearly_value = _money(yearly_value, "yearly_value")
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    low, high = bounds[low_field], bounds[high_field]
    if low is not None and high is not None and low > high:
        raise ValidationError({high_field: "The upper bound must be at least the lower one."})
    others = PotentialBand.objects.select_for_update().filter(
        industry__iexact=industry, basis=basis
    )
    if band is not None:
        others = others.exclude(pk=band.pk)
    for other in others:
        other_low, other_high = other.bounds
        if _overlaps(low, high, other_low, other_high):
            raise ValidationError(
                {low_field: f"This band overlaps {other.industry or 'any industry'}, {other.size}."}
            )
    band = band or PotentialBand()
    band.industry, band.basis, band.yearly_value = industry, basis, yearly_value
    band.employees_min = bounds.get("employees_min")
    band.employees_max = bounds.get("employees_max")
    band.revenue_min = bounds.get("revenue_min")
    band.revenue_max = bounds.get("revenue_max")
    band.save()
    return band


@transaction.atomic
def potential_band_delete(*, actor: User, band: PotentialBand) -> None:
    if not actor.is_crm_admin:
        raise ValidationError("Only an admin can change the potential model.")
    band.delete()
