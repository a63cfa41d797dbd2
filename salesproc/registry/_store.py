"""The lists every seam registers into (one registry for the process)."""

from dataclasses import dataclass, field


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
    record_types: list = field(default_factory=list)
    search_sources: list = field(default_factory=list)
    quick_creates: list = field(default_factory=list)
    pickers: list = field(default_factory=list)
    event_types: list = field(default_factory=list)
    workflow_actions: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    header_actions: list = field(default_factory=list)
    bulk_lists: list = field(default_factory=list)
    bulk_actions: list = field(default_factory=list)


registry = Registry()


def _replace(items, item, key):
    items[:] = [existing for existing in items if key(existing) != key(item)] + [item]
