"""What the shell shows: navigation, home widgets, settings links, demo data, record panels."""

from collections.abc import Callable
from dataclasses import dataclass

from ._store import _replace, registry


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    process: str | None = None  # shown only to roles running it
    order: int = 100
    admin_only: bool = False
    manager_only: bool = False
    active_prefix: str = ""  # URL prefix that marks the item as current
    shortcut: str = ""  # the letter after "g" that goes here (static/js/shell.js)


@dataclass(frozen=True)
class Widget:
    key: str
    template: str
    context: Callable  # context(request) -> dict, or None to hide the widget
    process: str | None = None
    order: int = 100
    # > 0: the context is kept per user this many seconds (salesproc.home_cache), and
    # dropped when an event named by `invalidated_by` (fnmatch patterns) is recorded.
    cache_seconds: int = 0
    invalidated_by: tuple = ()


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
    """A section another app adds to a record's detail page (an account's deals...).

    model "*" puts it on the page of every registered RecordType (tasks, notes).
    """

    model: str  # "accounts.account", "accounts.contact", "deals.deal", ..., or "*"
    key: str
    template: str
    context: Callable  # context(request, obj) -> dict, or None to hide the panel
    process: str | None = None
    order: int = 100


@dataclass(frozen=True)
class HeaderAction:
    """A small action in the top bar of every page ("Log time"). With dialog, the page at
    url_name is also served as a fragment (htmx) that opens in a dialog over the page."""

    key: str
    label: str
    url_name: str
    process: str | None = None
    dialog: bool = True
    order: int = 100


def register_header_action(action: HeaderAction):
    _replace(registry.header_actions, action, lambda a: a.key)


def header_actions_for(user):
    return [
        action
        for action in sorted(registry.header_actions, key=lambda a: (a.order, a.key))
        if action.process is None or user.runs(action.process)
    ]


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


def panels_for(request, obj):
    """Rendered-context panels for obj's detail page, in order, for this user."""
    label = obj._meta.label_lower
    result = []
    for panel in sorted(registry.panels, key=lambda p: (p.order, p.key)):
        if panel.model not in (label, "*"):
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


@dataclass(frozen=True)
class QuickCreate:
    """One kind of record the header's "+" dialog creates (salesproc.quick_create), through
    the app's own create page (its form and service).

    url_name: that page; prefill(record_type, obj) -> query parameters that start it from
    the page's record (e.g. {"account": 12} on an account page), or None.
    """

    type: str
    label: str
    url_name: str
    process: str | None = None
    prefill: Callable | None = None
    order: int = 100


def register_quick_create(item: QuickCreate):
    _replace(registry.quick_creates, item, lambda q: q.type)


def quick_creates_for(user):
    return [
        q
        for q in sorted(registry.quick_creates, key=lambda q: (q.order, q.type))
        if q.process is None or user.runs(q.process)
    ]
