"""Which territory each account belongs to, as one SQL expression.

Every rule becomes a condition on the account's columns; the rules, by priority, become
one CASE (the first match wins). The preview of a rule change and the re-run that applies
it both use `territory_expression`, so what the preview says is what the run does.
"""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    ASin,
    Cast,
    Cos,
    Least,
    Lower,
    Power,
    Radians,
    Replace,
    Sin,
    Sqrt,
    Upper,
)
from django.db.models.lookups import LessThanOrEqual

EARTH_RADIUS_KM = 6371.0088


def haversine_km(latitude, longitude):
    """Great-circle distance in km from each account's coordinates to the given point."""
    lat1 = Radians(Cast(F("latitude"), FloatField()))
    lon1 = Radians(Cast(F("longitude"), FloatField()))
    lat2 = Radians(Value(float(latitude), output_field=FloatField()))
    lon2 = Radians(Value(float(longitude), output_field=FloatField()))
    half_chord = Power(Sin((lat2 - lat1) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(
        Sin((lon2 - lon1) / 2), 2
    )
    # Least() guards asin against rounding just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * ASin(Least(Sqrt(half_chord), Value(1.0)))


def _lowered(values):
    return [v.strip().lower() for v in values if v and v.strip()]


def rule_condition(rule) -> Q:
    """The condition an account meets to fall under `rule` (saved or not)."""
    condition = Q()
    for field, values in (
        ("country", rule.countries),
        ("region", rule.regions),
        ("city", rule.cities),
        ("industry", rule.industries),
    ):
        wanted = _lowered(values or [])
        if wanted:
            condition &= Q(**{f"_lower_{field}__in": wanted})
    prefixes = [p.replace(" ", "").upper() for p in rule.postcode_prefixes or [] if p.strip()]
    if prefixes:
        any_prefix = Q()
        for prefix in prefixes:
            any_prefix |= Q(_postcode__startswith=prefix)
        condition &= any_prefix
    if rule.statuses:
        condition &= Q(status__in=list(rule.statuses))
    if rule.employees_min is not None:
        condition &= Q(employee_count__gte=rule.employees_min)
    if rule.employees_max is not None:
        condition &= Q(employee_count__lte=rule.employees_max)
    if rule.radius_km is not None and rule.latitude is not None and rule.longitude is not None:
        condition &= Q(latitude__isnull=False, longitude__isnull=False) & Q(
            LessThanOrEqual(haversine_km(rule.latitude, rule.longitude), float(rule.radius_km))
        )
    return condition


def with_match_columns(accounts):
    """The normalised columns the conditions compare (case-blind text, spaceless postcode)."""
    return accounts.annotate(
        _lower_country=Lower("country"),
        _lower_region=Lower("region"),
        _lower_city=Lower("city"),
        _lower_industry=Lower("industry"),
        _postcode=Upper(Replace("postcode", Value(" "), Value(""))),
    )


def territory_expression(rules):
    """CASE over the rules by priority: the territory id of the first match, else NULL."""
    ordered = sorted(rules, key=lambda r: (r.priority, r.pk or 0))
    whens = [When(rule_condition(rule), then=Value(rule.territory_id)) for rule in ordered]
    if not whens:
        # A bare NULL is text to PostgreSQL; the comparison with territory_id needs an int.
        return Cast(Value(None), IntegerField())
    return Case(*whens, default=Value(None), output_field=IntegerField())


def matched_territory(accounts, rules):
    """`accounts` annotated with `matched` (the territory the rules give it)."""
    return with_match_columns(accounts).annotate(matched=territory_expression(rules))


def current_columns(accounts):
    """`accounts` annotated with their territory now and whether it is pinned."""
    from .models import AccountTerritory

    rows = AccountTerritory.objects.filter(account_id=OuterRef("pk"))
    return accounts.annotate(
        current=Subquery(rows.values("territory_id")[:1], output_field=IntegerField()),
        is_pinned=Subquery(rows.values("pinned")[:1]),
    )


def changed(new, old) -> Q:
    """new IS DISTINCT FROM old, spelled so that every backend understands it."""
    return (
        Q(**{f"{new}__isnull": True, f"{old}__isnull": False})
        | Q(**{f"{new}__isnull": False, f"{old}__isnull": True})
        | (Q(**{f"{new}__isnull": False, f"{old}__isnull": False}) & ~Q(**{new: F(old)}))
    )


@dataclass(frozen=True)
class Move:
    from_territory: int | None
    to_territory: int | None
    accounts: int


def moves_for(accounts, rules) -> list[Move]:
    """How many accounts (not pinned) would change territory under `rules`, per move."""
    qs = matched_territory(current_columns(accounts), rules)
    # An account without a row yet has is_pinned NULL: not pinned.
    qs = qs.filter(Q(is_pinned=False) | Q(is_pinned__isnull=True))
    qs = qs.filter(changed("matched", "current"))
    rows = qs.order_by().values("current", "matched").annotate(n=Count("id"))
    return sorted(
        (Move(row["current"], row["matched"], row["n"]) for row in rows),
        key=lambda m: (-m.accounts, m.from_territory or 0, m.to_territory or 0),
    )
