"""Coverage of a territory (or a rep's territories) and the balance between territories,
aggregated in SQL: accounts per tier visited within their policy window, the overdue
accounts, potential covered, visits held against the pattern, and a map."""

from datetime import timedelta
from math import ceil, cos, radians, sqrt

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Account
from calls.models import Call
from territories.models import CallPattern, PatternVisit, Territory
from territories.potential.selectors import MONEY, ZERO, policies, with_tier

HELD = [Call.Status.COMPLETED, Call.Status.DEBRIEFED, Call.Status.REVIEWED]
MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 640, 420, 24
TIER_COLOURS = {"A": "#1f7a4d", "B": "#3358d4", "C": "#c77d12", "D": "#8a94a6"}


def window_days(policy) -> int:
    """The policy window: how long an account of the tier may go between visits."""
    return ceil(policy.period_weeks * 7 / max(1, policy.visits_per_period))


def _covered_accounts(accounts, *, territory_ids, now):
    tier_policies = policies()
    last_held = (
        Call.objects.filter(account_id=OuterRef("pk"), status__in=HELD, scheduled_at__lte=now)
        .order_by()
        .values("account_id")
        .annotate(last=Max("scheduled_at"))
        .values("last")[:1]
    )
    accounts = with_tier(accounts, tier_policies=tier_policies, territory_ids=territory_ids)
    accounts = accounts.annotate(last_held=Subquery(last_held, output_field=DateTimeField()))
    covered = Case(
        *[
            When(
                Q(tier=p.tier, last_held__gte=now - timedelta(days=window_days(p))),
                then=Value(1),
            )
            for p in tier_policies
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    return accounts.annotate(covered=covered), tier_policies


def coverage(*, user, territories, now=None, overdue_limit=25):
    """Per tier: accounts, visited within the window (count and %), potential and
    potential covered; the most valuable overdue accounts; visits held against the
    latest pattern of each territory's rep."""
    now = now or timezone.now()
    territory_ids = [t.pk for t in territories]
    accounts = Account.objects.visible_to(user).filter(
        territory_assignment__territory_id__in=territory_ids
    )
    accounts, tier_policies = _covered_accounts(accounts, territory_ids=territory_ids, now=now)
    rows = {
        row["tier"]: row
        for row in accounts.order_by()
        .values("tier")
        .annotate(
            accounts=Count("id"),
            visited=Sum("covered"),
            potential_total=Coalesce(Sum("potential"), ZERO, output_field=MONEY),
            potential_covered=Coalesce(
                Sum(Case(When(covered=1, then="potential"), default=ZERO, output_field=MONEY)),
                ZERO,
                output_field=MONEY,
            ),
        )
    }
    tiers = []
    for policy in tier_policies:
        row = rows.get(policy.tier, {})
        count = row.get("accounts", 0)
        visited = row.get("visited", 0) or 0
        tiers.append(
            {
                "tier": policy.tier,
                "window_days": window_days(policy),
                "accounts": count,
                "visited": visited,
                "percent": round(100 * visited / count) if count else None,
                "potential": row.get("potential_total", ZERO.value),
                "potential_covered": row.get("potential_covered", ZERO.value),
            }
        )
    windows = {p.tier: window_days(p) for p in tier_policies}
    overdue = []
    for account in (
        accounts.filter(covered=0)
        .select_related("owner")
        .order_by("-potential", "name")[:overdue_limit]
    ):
        if account.last_held is None:
            account.days_overdue = None
        else:
            account.days_overdue = (now - account.last_held).days - windows[account.tier]
        overdue.append(account)
    total = sum(t["potential"] for t in tiers)
    covered = sum(t["potential_covered"] for t in tiers)
    return {
        "tiers": tiers,
        "overdue": overdue,
        "overdue_count": sum(t["accounts"] - t["visited"] for t in tiers),
        "potential": total,
        "potential_covered": covered,
        "potential_percent": round(100 * covered / total) if total else None,
        "pattern": _pattern_progress(territories, now),
    }


def _pattern_progress(territories, now):
    """Visits held against the latest pattern of the reps of these territories, for the
    weeks that have started."""
    rep_ids = {t.rep_id for t in territories if t.rep_id}
    latest = (
        CallPattern.objects.filter(rep_id__in=rep_ids).order_by("rep_id", "-created_at").first()
        if rep_ids
        else None
    )
    if latest is None:
        return None
    started_weeks = max(0, (timezone.localdate(now) - latest.starts_on).days // 7 + 1)
    tallies = PatternVisit.objects.filter(pattern=latest, week__lte=started_weeks).aggregate(
        due=Count("id"),
        held=Count("id", filter=Q(call__status__in=HELD)),
        cancelled=Count(
            "id", filter=Q(call__status__in=[Call.Status.CANCELLED, Call.Status.RESCHEDULED])
        ),
    )
    return {"pattern": latest, "weeks_started": min(started_weeks, latest.weeks), **tallies}


def coverage_map(*, user, territories):
    """SVG dots: accounts by latitude/longitude, coloured by tier, sized by potential,
    and each rep's base. Projected here (equirectangular, corrected for latitude)."""
    territory_ids = [t.pk for t in territories]
    rows = list(
        with_tier(
            Account.objects.visible_to(user).filter(
                territory_assignment__territory_id__in=territory_ids,
                latitude__isnull=False,
                longitude__isnull=False,
            ),
            territory_ids=territory_ids,
        ).values_list("pk", "name", "latitude", "longitude", "tier", "potential")
    )
    from territories.models import RepBase

    bases = list(
        RepBase.objects.filter(
            rep_id__in=[t.rep_id for t in territories if t.rep_id]
        ).select_related("rep")
    )
    points = [(float(r[2]), float(r[3])) for r in rows] + [
        (float(b.latitude), float(b.longitude)) for b in bases
    ]
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    mid = radians((min(lats) + max(lats)) / 2)
    span_x = max((max(lons) - min(lons)) * cos(mid), 0.01)
    span_y = max(max(lats) - min(lats), 0.01)
    scale = min((MAP_WIDTH - 2 * MAP_PAD) / span_x, (MAP_HEIGHT - 2 * MAP_PAD) / span_y)

    def project(lat, lon):
        x = MAP_PAD + (lon - min(lons)) * cos(mid) * scale
        y = MAP_HEIGHT - MAP_PAD - (lat - min(lats)) * scale
        return round(x, 1), round(y, 1)

    top = max((float(r[5] or 0) for r in rows), default=0) or 1
    dots = []
    for pk, name, lat, lon, tier, potential in rows:
        x, y = project(float(lat), float(lon))
        dots.append(
            {
                "pk": pk,
                "name": name,
                "x": x,
                "y": y,
                "r": round(3 + 9 * sqrt(float(potential or 0) / top), 1),
                "tier": tier,
                "colour": TIER_COLOURS[tier],
                "potential": potential,
            }
        )
    dots.sort(key=lambda d: -d["r"])  # small dots drawn last stay clickable
    return {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "dots": dots,
        "bases": [_base_marker(b, project) for b in bases],
        "legend": list(TIER_COLOURS.items()),
    }


def _base_marker(base, project):
    x, y = project(float(base.latitude), float(base.longitude))
    return {"label": str(base), "rep": base.rep.display_name, "x": x - 6, "y": y - 6}


def territory_balance(*, user):
    """Territories side by side: accounts, total potential, the visits the tier policies
    require every 4 weeks against the rep's capacity (from their latest pattern)."""
    territories = list(
        Territory.objects.visible_to(user).filter(rep__isnull=False).select_related("rep")
    )
    if not territories:
        return []
    ids = [t.pk for t in territories]
    tier_policies = policies()
    per_four_weeks = Case(
        *[
            When(
                tier=p.tier,
                then=Value(p.visits_per_period * 4 / p.period_weeks),
            )
            for p in tier_policies
        ],
        default=Value(0.0),
    )
    rows = {
        row["territory_assignment__territory_id"]: row
        for row in with_tier(
            Account.objects.filter(territory_assignment__territory_id__in=ids),
            tier_policies=tier_policies,
            territory_ids=ids,
        )
        .order_by()
        .values("territory_assignment__territory_id")
        .annotate(
            accounts=Count("id"),
            potential_total=Coalesce(Sum("potential"), ZERO, output_field=MONEY),
            required=Sum(per_four_weeks),
        )
    }
    capacity = {
        pattern.rep_id: pattern.visits_per_day * pattern.working_days * 4
        for pattern in CallPattern.objects.filter(
            rep_id__in=[t.rep_id for t in territories]
        ).order_by("rep_id", "created_at")
    }  # the latest pattern per rep wins (ordered by creation)
    result = []
    for territory in territories:
        row = rows.get(territory.pk, {})
        required = round(row.get("required") or 0)
        cap = capacity.get(territory.rep_id)
        result.append(
            {
                "territory": territory,
                "accounts": row.get("accounts", 0),
                "potential": row.get("potential_total", ZERO.value),
                "required": required,
                "capacity": cap,
                "load_percent": round(100 * required / cap) if cap else None,
                "overloaded": bool(cap and required > cap),
            }
        )
    return sorted(result, key=lambda r: (-(r["load_percent"] or 0), r["territory"].name))


def coverage_scope(*, user, territory_id=None, rep_id=None):
    """The territories a coverage report covers: one territory, a rep's, or all the user
    sees. A territory or rep the user may not see is a ValidationError (400), not a leak."""
    from django.core.exceptions import ValidationError

    from salesproc.models import users_visible_to

    territories = Territory.objects.visible_to(user).select_related("rep")
    if territory_id not in (None, ""):
        try:
            territories = territories.filter(pk=int(territory_id))
        except (TypeError, ValueError):
            raise ValidationError({"territory": "Choose a territory you can see."}) from None
        if not territories:
            raise ValidationError({"territory": "Choose a territory you can see."})
    if rep_id not in (None, ""):
        try:
            rep_pk = int(rep_id)
        except (TypeError, ValueError):
            raise ValidationError({"rep": "Choose a rep you can see."}) from None
        if not users_visible_to(user).filter(pk=rep_pk).exists():
            raise ValidationError({"rep": "Choose a rep you can see."})
        territories = territories.filter(rep_id=rep_pk)
    return list(territories.order_by("name"))
