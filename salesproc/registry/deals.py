"""What higher apps add to deals: stage gates, badges, list fields, plan revenue."""

from collections.abc import Callable
from dataclasses import dataclass, field

from ._store import _replace, registry


@dataclass(frozen=True)
class StageGate:
    """A check `deals` runs before a deal leaves a stage forward (a higher app's rule).

    check(*, deal, from_stage, to_stage, actor) returns what is missing, as sentences;
    an empty list lets the deal pass.
    """

    key: str
    check: Callable
    order: int = 100


@dataclass(frozen=True)
class DealBadge:
    """A small label a higher app puts on deal board cards and list rows (plan complete...).

    badges(*, user, deals) returns {deal id: {"label", "tone", "title"}} for the deals
    given, in a bounded number of queries.
    """

    key: str
    badges: Callable
    process: str | None = None
    order: int = 100


@dataclass(frozen=True)
class DealListField:
    """A column a higher app lets the deal list (page and API) sort and filter by.

    annotate(queryset) -> queryset adds an annotation named `key` (the sort value; None
    sorts last). filters maps a URL value to (label, condition); condition is a Q over the
    annotated queryset or a callable(queryset) -> queryset. deals calls annotate only when
    a list is sorted or filtered by the field, so plain lists pay nothing for it.
    URL: `?sort=key` / `?sort=-key` (API: `?ordering=`) and `?key=value`.
    """

    key: str
    label: str
    annotate: Callable
    filters: dict = field(default_factory=dict)
    process: str | None = None
    order: int = 100


@dataclass(frozen=True)
class PlanRevenue:
    """What a higher app knows about an account's money within an account plan's period.

    compute(*, account_id, start, end) -> a dict with any of "won" (won revenue closed
    between start and end, inclusive), "renewals" (a list of {"name", "amount",
    "expected_close_date", "status"} for renewals expected in the period) and
    "whitespace" (the names of active products the account has not bought yet), in a
    fixed number of queries. start and end are None when the period is not a known one:
    then only "whitespace" is given.
    """

    key: str
    compute: Callable
    order: int = 100


def register_stage_gate(gate: StageGate):
    _replace(registry.stage_gates, gate, lambda g: g.key)


def stage_gates_for():
    return sorted(registry.stage_gates, key=lambda g: (g.order, g.key))


def register_deal_badge(badge: DealBadge):
    _replace(registry.deal_badges, badge, lambda b: b.key)


def attach_deal_badges(user, deals):
    """Set `deal.badges` (a list of {"label", "tone", "title"}) on each deal given."""
    deals = list(deals)
    for deal in deals:
        deal.badges = []
    if not deals:
        return deals
    by_pk = {deal.pk: deal for deal in deals}
    for badge in sorted(registry.deal_badges, key=lambda b: (b.order, b.key)):
        if badge.process and not user.runs(badge.process):
            continue
        for pk, item in badge.badges(user=user, deals=deals).items():
            if pk in by_pk:
                by_pk[pk].badges.append(item)
    return deals


def register_deal_list_field(list_field: DealListField):
    _replace(registry.deal_list_fields, list_field, lambda f: f.key)


def deal_list_fields_for(user):
    """The registered deal list fields this user may sort and filter by, in order."""
    return [
        item
        for item in sorted(registry.deal_list_fields, key=lambda f: (f.order, f.key))
        if item.process is None or user.runs(item.process)
    ]


def register_plan_revenue(source: PlanRevenue):
    _replace(registry.plan_revenues, source, lambda s: s.key)


def plan_revenues_for():
    return sorted(registry.plan_revenues, key=lambda s: (s.order, s.key))
