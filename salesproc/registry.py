"""What apps contribute to the shell, registered from their AppConfig.ready().

salesproc imports no app of ours; apps register their navigation entries, home
dashboard widgets, admin settings pages and demo data here instead.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    process: str | None = None  # shown only to roles running it
    order: int = 100
    admin_only: bool = False
    manager_only: bool = False
    active_prefix: str = ""  # URL prefix that marks the item as current


@dataclass(frozen=True)
class Widget:
    key: str
    template: str
    context: Callable  # context(request) -> dict, or None to hide the widget
    process: str | None = None
    order: int = 100


@dataclass(frozen=True)
class SettingsLink:
    label: str
    url_name: str
    description: str = ""
    order: int = 100


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    run: Callable  # run(*, stdout) -> None; must be idempotent
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A section another app adds to a record's detail page (an account's deals...)."""

    model: str  # "accounts.account", "accounts.contact", "deals.deal", ...
    key: str
    template: str
    context: Callable  # context(request, obj) -> dict, or None to hide the panel
    process: str | None = None
    order: int = 100


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
class Restorable:
    """A kind of record the recycle bin holds (soft deleted: `salesproc.softdelete`).

    type: the API's name for it ("deal"); model: its label ("deals.Deal").
    restore(*, actor, obj) and purge(*, actor, obj) are the app's services; None uses the
    generic ones in `salesproc.recycle_bin` (clear the mark / hard delete, with an event).
    purge_order: lower kinds are purged first (a deal before the account it protects).
    """

    type: str
    model: str
    label: str
    restore: Callable | None = None
    purge: Callable | None = None
    name: Callable = str  # name(obj) -> what the bin shows
    purge_order: int = 100


@dataclass(frozen=True)
class OwnedRecords:
    """A kind of record people own, for handing a person's open work to someone else
    when they change team or leave (salesproc.handover).

    count_open(user) -> int; reassign_open(*, from_user, to_user, actor) -> int moves the
    user's open records of this kind to to_user (in one transaction, with events).
    """

    key: str
    label: str  # plural, for "12 open deals"
    count_open: Callable
    reassign_open: Callable
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
class AccountMeasure:
    """A figure a higher app adds to each row of an account list (My accounts, the team
    portfolio): revenue over the last 12 months, open pipeline, the last held call.

    annotate(queryset, *, today) returns the account queryset annotated with `key` (a
    subquery, so a whole page costs no extra query). kind: "money", "date" or "number".
    """

    key: str
    label: str
    annotate: Callable
    kind: str = "number"
    order: int = 100


@dataclass(frozen=True)
class ContactMeasure:
    """A figure a higher app adds to each contact of a list (the account plan's
    relationship map): the last engagement read from calls.

    annotate(queryset, *, today) returns the contact queryset annotated with `key` (a
    subquery, so the whole map costs no extra query). kind: "date" or "number".
    """

    key: str
    label: str
    annotate: Callable
    kind: str = "date"
    order: int = 100


@dataclass(frozen=True)
class HealthSignal:
    """One input of an account's health score, computed set-wise by the app that knows it.

    compute(*, account_ids, today) -> {account_id: value} in one query for the whole batch
    (an account missing from the result has no value, e.g. no call ever held).
    score(value, *, weight) -> (points, reason): points from -weight to 0, and the reason
    shown beside the score ("No held call for 74 days"). weight is the default an admin
    may change on the health settings page.
    """

    key: str
    label: str
    compute: Callable
    score: Callable
    weight: int = 10
    order: int = 100


@dataclass(frozen=True)
class HandoffPrefill:
    """What a higher app knows about a won deal that the handoff debrief starts from (the
    opportunity plan's stakeholders and their stance...).

    fill(*, deal_id) -> {debrief field: text}; fields already written are never replaced.
    """

    key: str
    fill: Callable
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


@dataclass
class Registry:
    nav: list = field(default_factory=list)
    widgets: list = field(default_factory=list)
    settings_links: list = field(default_factory=list)
    demo_seeders: list = field(default_factory=list)
    panels: list = field(default_factory=list)
    stage_gates: list = field(default_factory=list)
    restorables: list = field(default_factory=list)
    owned_records: list = field(default_factory=list)
    deal_badges: list = field(default_factory=list)
    deal_list_fields: list = field(default_factory=list)
    account_measures: list = field(default_factory=list)
    contact_measures: list = field(default_factory=list)
    health_signals: list = field(default_factory=list)
    handoff_prefills: list = field(default_factory=list)
    plan_revenues: list = field(default_factory=list)


registry = Registry()


def _replace(items, item, key):
    items[:] = [existing for existing in items if key(existing) != key(item)] + [item]


def register_nav(item: NavItem):
    _replace(registry.nav, item, lambda i: (i.label, i.url_name))


def register_widget(widget: Widget):
    _replace(registry.widgets, widget, lambda w: w.key)


def register_settings_link(link: SettingsLink):
    _replace(registry.settings_links, link, lambda s: s.url_name)


def register_demo(seeder: DemoSeeder):
    _replace(registry.demo_seeders, seeder, lambda s: s.name)


def register_panel(panel: Panel):
    _replace(registry.panels, panel, lambda p: (p.model, p.key))


def register_stage_gate(gate: StageGate):
    _replace(registry.stage_gates, gate, lambda g: g.key)


def register_restorable(restorable: Restorable):
    _replace(registry.restorables, restorable, lambda r: r.type)


def register_account_measure(measure: AccountMeasure):
    _replace(registry.account_measures, measure, lambda m: m.key)


def register_contact_measure(measure: ContactMeasure):
    _replace(registry.contact_measures, measure, lambda m: m.key)


def contact_measures_for():
    return sorted(registry.contact_measures, key=lambda m: (m.order, m.key))


def register_health_signal(signal: HealthSignal):
    _replace(registry.health_signals, signal, lambda s: s.key)


def register_handoff_prefill(prefill: HandoffPrefill):
    _replace(registry.handoff_prefills, prefill, lambda p: p.key)


def handoff_prefills_for():
    return sorted(registry.handoff_prefills, key=lambda p: (p.order, p.key))


def register_plan_revenue(source: PlanRevenue):
    _replace(registry.plan_revenues, source, lambda s: s.key)


def plan_revenues_for():
    return sorted(registry.plan_revenues, key=lambda s: (s.order, s.key))


def account_measures_for():
    return sorted(registry.account_measures, key=lambda m: (m.order, m.key))


def health_signals_for():
    return sorted(registry.health_signals, key=lambda s: (s.order, s.key))


def restorables_for():
    """Every kind the recycle bin holds, in purge order."""
    return sorted(registry.restorables, key=lambda r: (r.purge_order, r.type))


def register_owned_records(kind: OwnedRecords):
    _replace(registry.owned_records, kind, lambda k: k.key)


def owned_records_for():
    return sorted(registry.owned_records, key=lambda k: (k.order, k.key))


def stage_gates_for():
    return sorted(registry.stage_gates, key=lambda g: (g.order, g.key))


def panels_for(request, obj):
    """Rendered-context panels for obj's detail page, in order, for this user."""
    label = obj._meta.label_lower
    result = []
    for panel in sorted(registry.panels, key=lambda p: (p.order, p.key)):
        if panel.model != label:
            continue
        if panel.process and not request.user.runs(panel.process):
            continue
        context = panel.context(request, obj)
        if context is not None:
            result.append({"template": panel.template, "context": context, "key": panel.key})
    return result


def nav_for(user):
    items = []
    for item in sorted(registry.nav, key=lambda i: (i.order, i.label)):
        if item.admin_only and not user.is_crm_admin:
            continue
        if item.manager_only and not (user.is_manager or user.is_crm_admin):
            continue
        if item.process and not user.runs(item.process):
            continue
        items.append(item)
    return items


def widgets_for(user):
    return [
        widget
        for widget in sorted(registry.widgets, key=lambda w: (w.order, w.key))
        if widget.process is None or user.runs(widget.process)
    ]


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
