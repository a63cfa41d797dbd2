"""What quotes contribute: the deal panel, navigation, the settings link, the event
catalogue, the demo data and the tasks (imported so the worker knows them)."""

from salesproc.registry import (
    EventType,
    NavItem,
    Panel,
    SettingsLink,
    register_event_types,
    register_nav,
    register_panel,
    register_settings_link,
)

QUOTE_DATA = {"deal_id": 42, "quote_id": 7, "number": "Q-2027-0001"}

EVENT_TYPES = (
    EventType("quote.created", "A quote was drafted from a deal.", "deal", QUOTE_DATA),
    EventType(
        "quote.updated", "A draft quote was edited.", "deal", {**QUOTE_DATA, "total": "1200.00"}
    ),
    EventType(
        "quote.revised",
        "A new version of a quote was made; the old one is kept read-only.",
        "deal",
        {**QUOTE_DATA, "version": 2, "previous_quote_id": 6},
    ),
    EventType(
        "quote.sent",
        "A quote was sent to the customer (email with the PDF and the public link).",
        "deal",
        {**QUOTE_DATA, "to": "buyer@example.com"},
    ),
    EventType(
        "quote.accepted",
        "The customer accepted a quote through its public link (win the deal with a rule).",
        "deal",
        QUOTE_DATA,
    ),
    EventType(
        "quote.declined",
        "The customer declined a quote through its public link, with a reason.",
        "deal",
        {**QUOTE_DATA, "reason": "Too expensive"},
    ),
    EventType("quote.expired", "A sent quote passed its validity date.", "deal", QUOTE_DATA),
    EventType(
        "quote.approval_requested",
        "A rep asked the manager to approve a discount above the threshold.",
        "deal",
        QUOTE_DATA,
    ),
    EventType(
        "quote.approved",
        "The manager approved a quote's discount.",
        "deal",
        {**QUOTE_DATA, "note": ""},
    ),
    EventType(
        "quote.rejected",
        "The manager rejected a quote's discount, with a note.",
        "deal",
        {**QUOTE_DATA, "note": "Keep it under 15%"},
    ),
    EventType(
        "quote.settings_changed",
        "An admin changed the company settings printed on quotes.",
        "",
        {"changes": {"tax_rate": ["20.00", "19.00"]}},
    ),
)


def deal_quotes_panel(request, deal):
    from .selectors import quotes_for_deal

    return {"deal": deal, "quotes": quotes_for_deal(deal=deal)}


def register():
    from . import demo, tasks  # noqa: F401  (tasks: registered with Celery)

    register_event_types(*EVENT_TYPES)
    register_panel(
        Panel(
            "deals.deal",
            "automation.quotes",
            "automation/quotes/_deal_panel.html",
            deal_quotes_panel,
            process="automation",
            order=30,
        )
    )
    register_nav(
        NavItem(
            "Quotes",
            "automation:quotes:quote_list",
            process="automation",
            order=60,
            active_prefix="/automation/quotes/",
        )
    )
    register_settings_link(
        SettingsLink(
            "Quotes",
            "automation:quotes:settings",
            "Company name, address and logo on quotes, tax rate, the discount that needs "
            "approval, validity and terms templates.",
            order=60,
        )
    )
    demo.register()
