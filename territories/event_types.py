"""The events territories records: territories, their rules, plans and call patterns."""

from salesproc.registry import EventType, register_event_types

RULE = {"rule": 5, "priority": 10}


def register():
    register_event_types(
        EventType(
            "account.territory_changed",
            "An account moved to another territory.",
            "account",
            {"from": 2, "to": 3},
        ),
        EventType(
            "account.territory_pinned",
            "An account was pinned to its territory.",
            "account",
            {"territory": 3},
        ),
        EventType(
            "account.territory_unpinned",
            "An account's territory pin was removed.",
            "account",
            {"territory": 3},
        ),
        EventType(
            "account.potential_overridden",
            "An account's potential was set by hand.",
            "account",
            {"potential": "250000.00"},
        ),
        EventType(
            "account.potential_override_removed",
            "An account's potential override was removed.",
            "account",
            {},
        ),
        EventType(
            "territory.created",
            "A territory was created (subject: the territory).",
            "",
            {"parent": None, "rep": 5},
        ),
        EventType("territory.updated", "A territory changed.", "", {"changes": {"rep": [5, 6]}}),
        EventType("territory.deleted", "A territory was removed.", "", {}),
        EventType("territory.rule_added", "An assignment rule was added.", "", RULE),
        EventType("territory.rule_changed", "An assignment rule changed.", "", RULE),
        EventType("territory.rule_removed", "An assignment rule was removed.", "", RULE),
        EventType(
            "territory_plan.created", "A territory plan was started.", "", {"period": "2027"}
        ),
        EventType("territory_plan.submitted", "A territory plan went to the manager.", "", {}),
        EventType("territory_plan.approved", "A manager approved a territory plan.", "", {}),
        EventType(
            "territory_plan.changes_requested",
            "A manager sent a territory plan back.",
            "",
            {"comment": "Rebalance the west"},
        ),
        EventType(
            "call_pattern.proposed",
            "A call pattern was proposed for a territory.",
            "",
            {"calls": 40},
        ),
        EventType(
            "call_pattern.accepted", "A proposed call pattern was accepted.", "", {"calls": 40}
        ),
    )
