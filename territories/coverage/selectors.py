"""Coverage of a territory (or a rep's territories) and the balance between territories,
aggregated in SQL: accounts per tier visited within their policy window, the overdue
accounts, potential covered, visits held against the pattern, and a map."""

from decimal import Decimal
from math import cos, radians, sqrt

from django.db.models import (
    Count,
    Q,
)
from django.utils import timezone

from accounts.models import Account
from calls.models import Call
from territories.models import CallPattern, PatternVisit, Territory
from territories.potential import table
from territories.potential.selectors import ZERO, policies
from territories.potential.table import window_days

HELD = [Call.Status.COMPLETED, Call.Status.DEBRIEFED, Call.Status.REVIEWED]
MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 640, 420, 24
MAP_MAX_DOTS = 2000
TIER_COLOURS = {"A": "#1f7a4d", "B": "#3358d4", "C": "#c77d12", "D": "#8a94a6"}


def coverage(*, user, territories, now=None, overdue_limit=25):
    """Per tier: accounts, visited within the window (count and %), potential and
    potential covered; the most valuable overdue accounts; visits held against the
    latest pattern of each territory's rep. Set-wise: one aggregate over the derived
    table of `potential.table`, one query for the overdue rows, one for their accounts."""
    now = now or timezone.now()
    tier_policies = policies()
    sql, params = table.tiered_accounts(
        territory_ids=[t.pk for t in territories], user=user, now=now, tier_policies=tier_policies
    )
    rows = {
        row["tier"]: row
        for row in table.run(
            "SELECT c.tier, COUNT(*) AS accounts, SUM(c.covered) AS visited, "
            "SUM(c.potential) AS potential_total, "
            "SUM(CASE WHEN c.covered = 1 THEN c.potential ELSE 0 END) AS potential_covered "
            f"FROM ({sql}) c WHERE c.visible GROUP BY c.tier",
            params,
        )
    }
    tiers = []
    for policy in tier_policies:
        row = rows.get(policy.tier, {})
        count = row.get("accounts", 0)
        visited = int(row.get("visited") or 0)
        tiers.append(
            {
                "tier": policy.tier,
                "window_days": window_days(policy),
                "accounts": count,
                "visited": visited,
                "percent": round(100 * visited / count) if count else None,
                "potential": table.money(row.get("potential_total")),
                "potential_covered": table.money(row.get("potential_covered")),
            }
        )
    windows = {p.tier: window_days(p) for p in tier_policies}
    late = table.run(
        f"SELECT c.id, c.potential, c.tier, c.last_held FROM ({sql}) c "
        "WHERE c.visible AND c.covered = 0 ORDER BY c.potential DESC, c.name, c.id LIMIT %s",
        [*params, int(overdue_limit)],
    )
    accounts = Account.objects.select_related("owner").in_bulk([row["id"] for row in late])
    overdue = []
    for row in late:
        account = accounts[row["id"]]
        account.potential, account.tier = table.money(row["potential"]), row["tier"]
        account.last_held = table.moment(row["last_held"])
        account.days_overdue = (
            None
            if account.last_held is None
            else (now - account.last_held).days - windows[account.tier]
        )
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
        held=Count("id", filter=Q(status=PatternVisit.Status.HELD)),
        cancelled=Count("id", filter=Q(status=PatternVisit.Status.CANCELLED)),
    )
    return {"pattern": latest, "weeks_started": min(started_weeks, latest.weeks), **tallies}


def coverage_map(*, user, territories):
    """SVG dots: accounts by latitude/longitude, coloured by tier, sized by potential,
    and each rep's base. Projected here (equirectangular, corrected for latitude)."""
    sql, params = table.tiered_accounts(territory_ids=[t.pk for t in territories], user=user)
    found = table.run(
        "SELECT c.id, c.name, c.latitude, c.longitude, c.tier, c.potential, "
        f"COUNT(*) OVER () AS placed FROM ({sql}) c "
        "WHERE c.visible AND c.latitude IS NOT NULL AND c.longitude IS NOT NULL "
        "ORDER BY c.potential DESC, c.id LIMIT %s",
        [*params, MAP_MAX_DOTS],
    )
    rows = [
        (r["id"], r["name"], r["latitude"], r["longitude"], r["tier"], table.money(r["potential"]))
        for r in found
    ]
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
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    mid = radians((south + north) / 2)
    span_x = max((east - west) * cos(mid), 0.01)
    span_y = max(north - south, 0.01)
    scale = min((MAP_WIDTH - 2 * MAP_PAD) / span_x, (MAP_HEIGHT - 2 * MAP_PAD) / span_y)
    x_scale = cos(mid) * scale  # the bounds once, not per dot (50,000 dots)

    def project(lat, lon):
        x = MAP_PAD + (lon - west) * x_scale
        y = MAP_HEIGHT - MAP_PAD - (lat - south) * scale
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
        # A big scope shows its biggest accounts: a page of 50,000 dots helps nobody.
        "hidden": (found[0]["placed"] - len(found)) if found else 0,
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
    tier_policies = policies()
    per_four_weeks = {p.tier: p.visits_per_period * 4 / p.period_weeks for p in tier_policies}
    sql, params = table.tiered_accounts(
        territory_ids=[t.pk for t in territories], tier_policies=tier_policies
    )
    rows = {}
    for row in table.run(
        "SELECT c.territory_id, c.tier, COUNT(*) AS accounts, SUM(c.potential) AS potential "
        f"FROM ({sql}) c GROUP BY c.territory_id, c.tier",
        params,
    ):
        total = rows.setdefault(
            row["territory_id"], {"accounts": 0, "potential_total": Decimal(0), "required": 0}
        )
        total["accounts"] += row["accounts"]
        total["potential_total"] += table.money(row["potential"])
        total["required"] += row["accounts"] * per_four_weeks.get(row["tier"], 0)
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
