"""Potential and tier as SQL annotations on an account queryset (no per-row Python)."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from deals.models import Deal
from territories.models import PotentialBand, PotentialOverride, TerritorySettings, Tier, TierPolicy

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)
DEFAULT_POLICIES = {
    # tier: (min_potential, top_share_percent, visits, period weeks, channel, min gap days)
    "A": (Decimal("100000"), 20, 2, 4, "in_person", 10),
    "B": (Decimal("40000"), 30, 1, 4, "in_person", 21),
    "C": (Decimal("10000"), 30, 1, 8, "video", 35),
    "D": (Decimal("0"), 20, 1, 12, "phone", 60),
}


def _sum_of(deals):
    return Coalesce(
        Subquery(
            deals.order_by().values("account_id").annotate(total=Sum("amount")).values("total")[:1],
            output_field=MONEY,
        ),
        ZERO,
    )


def _specificity(band):
    """Most specific first: the industry's own before any industry, then the higher lower
    bound (employees, then revenue; an open one last), employees before revenue."""

    def lower(value):
        return (0, -value) if value is not None else (1, 0)

    return (
        1 if band.industry == "" else 0,
        lower(band.employees_min),
        lower(band.revenue_min),
        1 if band.basis == PotentialBand.Basis.REVENUE else 0,
        band.pk,
    )


def band_value():
    """The yearly value of the most specific band that fits the account, as one CASE over
    the admin's bands (read once: a few dozen rows), so that no subquery runs per account:
    the first band in `_specificity` order whose industry and size bounds fit."""
    whens = []
    for band in sorted(PotentialBand.objects.all(), key=_specificity):
        condition = Q()
        if band.industry:
            condition &= Q(industry__iexact=band.industry)
        size = "annual_revenue" if band.basis == PotentialBand.Basis.REVENUE else "employee_count"
        low, high = band.bounds
        if low is not None:
            condition &= Q(**{f"{size}__gte": low})
        if high is not None:
            condition &= Q(**{f"{size}__lte": high})
        whens.append(
            When(
                condition or Q(pk__isnull=False), then=Value(band.yearly_value, output_field=MONEY)
            )
        )
    if not whens:
        return ZERO
    return Case(*whens, default=ZERO, output_field=MONEY)


def potential_parts(*, now=None):
    """The parts of the potential as expressions on an account queryset, each one
    subquery: band_value, won_12m, open_pipeline, override_value, override_reason."""
    now = now or timezone.now()
    won = Deal.objects.filter(
        account_id=OuterRef("pk"), status=Deal.Status.WON, closed_at__gte=now - timedelta(days=365)
    )
    pipeline = Deal.objects.filter(account_id=OuterRef("pk"), status=Deal.Status.OPEN)
    override = PotentialOverride.objects.filter(account_id=OuterRef("pk"))
    return {
        "band_value": band_value(),
        "won_12m": _sum_of(won),
        "open_pipeline": _sum_of(pipeline),
        "override_value": Subquery(override.values("value")[:1], output_field=MONEY),
        "override_reason": Subquery(override.values("reason")[:1]),
    }


def with_potential(accounts, *, now=None):
    """Annotate band_value, won_12m, open_pipeline, override_value, override_reason and
    potential (the override, or the sum of the other three)."""
    return accounts.annotate(**potential_parts(now=now)).annotate(
        potential=Coalesce(
            F("override_value"),
            F("band_value") + F("won_12m") + F("open_pipeline"),
            output_field=MONEY,
        )
    )


def policies():
    """The four tier policies, A to D (defaults for any the admin has not saved)."""
    saved = {p.tier: p for p in TierPolicy.objects.all()}
    result = []
    for tier in Tier.values:
        if tier in saved:
            result.append(saved[tier])
        else:
            low, share, visits, weeks, channel, gap = DEFAULT_POLICIES[tier]
            result.append(
                TierPolicy(
                    tier=tier,
                    min_potential=low,
                    top_share_percent=share,
                    visits_per_period=visits,
                    period_weeks=weeks,
                    channel=channel,
                    min_gap_days=gap,
                )
            )
    return result


def share_cutoffs(territory_ids, tier_policies):
    """{territory id: [(tier, lowest potential of that tier), ...]} for share mode.

    The ranking must see every account of the territory (not only those a user may see,
    or one page of them), so it is one query over the whole territories, ordered by
    potential; the cut-offs then become plain thresholds per territory.
    """
    from accounts.models import Account

    rows = (
        with_potential(Account.objects.filter(territory_assignment__territory_id__in=territory_ids))
        .order_by("territory_assignment__territory_id", F("potential").desc(), "pk")
        .values_list("territory_assignment__territory_id", "potential")
    )
    by_territory = {}
    for territory_id, potential in rows:
        by_territory.setdefault(territory_id, []).append(potential)
    cutoffs = {}
    for territory_id, values in by_territory.items():
        tiers, reached = [], 0
        for policy in tier_policies[:-1]:
            reached += policy.top_share_percent
            take = -(-len(values) * reached // 100)  # ceiling: the top share, rounded up
            if take:
                tiers.append((policy.tier, values[min(take, len(values)) - 1]))
        cutoffs[territory_id] = tiers
    return cutoffs


def with_tier(accounts, *, tier_policies=None, mode=None, territory_ids=None):
    """`with_potential` plus `tier`: by the admin's thresholds, or (share mode) by the
    account's place among its territory's accounts: the top 20% A, and so on."""
    tier_policies = tier_policies or policies()
    mode = mode or TerritorySettings.current().tier_mode
    accounts = with_potential(accounts)
    if mode == TerritorySettings.TierMode.SHARE:
        if territory_ids is None:
            from territories.models import Territory

            territory_ids = list(Territory.objects.values_list("pk", flat=True))
        whens = [
            When(
                territory_assignment__territory_id=territory_id,
                potential__gte=cutoff,
                then=Value(tier),
            )
            for territory_id, tiers in share_cutoffs(territory_ids, tier_policies).items()
            for tier, cutoff in tiers
        ]
    else:
        whens = [
            When(potential__gte=policy.min_potential, then=Value(policy.tier))
            for policy in tier_policies[:-1]
        ]
    if not whens:
        return accounts.annotate(tier=Value(tier_policies[-1].tier))
    return accounts.annotate(tier=Case(*whens, default=Value(tier_policies[-1].tier)))


def potential_for_account(*, user, pk):
    """The account (visible to `user`) with potential and tier annotated, else Http404."""
    from accounts.models import Account
    from salesproc.access import get_visible_or_404

    return get_visible_or_404(with_tier(Account.objects.all()), user, pk)


def tier_counts(accounts):
    """{tier: number of accounts} for an account queryset, counted in SQL."""
    from django.db.models import Count

    rows = with_tier(accounts).order_by().values("tier").annotate(n=Count("id"))
    return {row["tier"]: row["n"] for row in rows}
