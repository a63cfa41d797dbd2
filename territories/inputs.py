"""Typed inputs of the territory services: what forms and serializers produce."""

from dataclasses import dataclass, field
from decimal import Decimal

from salesproc.models import Team, User

from .models import Territory


@dataclass(frozen=True)
class TerritoryInput:
    name: str
    parent: Territory | None = None
    rep: User | None = None
    team: Team | None = None


@dataclass(frozen=True)
class RuleInput:
    territory: Territory
    priority: int | None
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    postcode_prefixes: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    employees_min: int | None = None
    employees_max: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    radius_km: Decimal | None = None


RULE_LIST_FIELDS = ("countries", "regions", "cities", "postcode_prefixes", "industries", "statuses")
RULE_FIELDS = (
    "territory",
    "priority",
    *RULE_LIST_FIELDS,
    "employees_min",
    "employees_max",
    "latitude",
    "longitude",
    "radius_km",
)
