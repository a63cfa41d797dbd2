"""Navigation, home widget, record panels, settings pages and demo data of call management."""

from salesproc.registry import (
    NavItem,
    Panel,
    SettingsLink,
    Widget,
    register_nav,
    register_panel,
    register_settings_link,
    register_widget,
)


def register():
    from . import demo, widgets

    register_nav(
        NavItem(
            "Calls", "calls:agenda", process="calls", order=5, active_prefix="/calls/", shortcut="c"
        )
    )
    register_nav(
        NavItem(
            "Review queue",
            "calls:review_queue",
            process="calls",
            order=6,
            manager_only=True,
            active_prefix="/calls/reviews/",
        )
    )
    register_nav(
        NavItem(
            "Coaching",
            "calls:coaching",
            process="calls",
            order=7,
            manager_only=True,
            active_prefix="/calls/coaching/",
        )
    )
    register_widget(
        # counts over every visible call: kept a minute per user, dropped by any call event
        Widget(
            "calls.today",
            "calls/_widget_today.html",
            widgets.home_widget,
            "calls",
            order=5,
            cache_seconds=60,
            invalidated_by=("call.*",),
        )
    )
    for model, context in (
        ("accounts.contact", widgets.contact_panel),
        ("accounts.account", widgets.account_panel),
        ("deals.deal", widgets.deal_panel),
        ("leads.lead", widgets.lead_panel),
    ):
        register_panel(Panel(model, "calls", "calls/_panel_calls.html", context, "calls", order=20))
    register_settings_link(
        SettingsLink(
            "Call types and question banks",
            "calls:call_type_list",
            "Discovery, demo, follow-up…: the questions each new call plan starts with.",
            order=30,
        )
    )
    register_settings_link(
        SettingsLink(
            "Objection library",
            "calls:objection_list",
            "What buyers object and the responses that work; reps pick from it when planning.",
            order=31,
        )
    )
    demo.register()
