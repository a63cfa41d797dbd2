from salesproc import events
from salesproc.registry import (
    DemoSeeder,
    EventType,
    SettingsLink,
    event_type,
    register_demo,
    register_event_types,
    register_settings_link,
)


def register():
    """Subscribe to events and register seams, from AutomationConfig.ready()."""
    from . import demo, engine

    # Any event an active rule's trigger covers (the triggers are data: `wants` asks).
    # atomic=False: each run commits on its own (its claim, then its actions with its
    # outcome), and an action that calls out (a webhook) runs outside a transaction.
    events.subscribe(
        "*", engine.SUBSCRIBER_KEY, engine.handle_event, atomic=False, wants=engine.wants
    )
    register_settings_link(
        SettingsLink(
            "Workflows",
            "automation:workflows:rule_list",
            "Rules that act on events: plan follow-ups, create deals, notify people.",
            order=70,
        )
    )
    register_demo(DemoSeeder("workflows", demo.seed, order=900))
    if event_type("quote.accepted") is None:
        # Quotes (automation/quotes) record and register it; this keeps the shipped
        # "win the deal" example valid before (or without) them. Theirs replaces it.
        register_event_types(
            EventType(
                "quote.accepted",
                "The buyer accepted a quote (subject: the quote).",
                "",
                {"deal_id": 21, "quote_id": 8, "number": "Q-2026-0008"},
            )
        )
