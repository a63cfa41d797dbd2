"""Navigation, widgets, panels and demo data of the deal records (board, list, detail)."""

from django.utils import timezone

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

from . import account_demo, demo, selectors


def my_open_deals_widget(request):
    figures = selectors.my_open_deals(user=request.user)
    return {**figures, "today": _today()}


def account_deals_panel(request, account):
    deals, open_totals = selectors.account_deals(user=request.user, account=account)
    bought, not_bought = selectors.account_product_gap(account=account)
    return {
        "account": account,
        "deals": deals,
        "open_totals": open_totals,
        "bought": bought,
        "not_bought": not_bought,
    }


def contact_deals_panel(request, contact):
    return {
        "contact": contact,
        "deals": selectors.contact_deals(user=request.user, contact=contact),
    }


def _today():
    return timezone.localdate()


def register():
    register_nav(
        NavItem(
            "Deals", "deals:board", process="deals", order=20, active_prefix="/deals/", shortcut="d"
        )
    )
    register_widget(
        Widget(
            "deals.my_open_deals",
            "deals/_widget_open_deals.html",
            my_open_deals_widget,
            process="deals",
            order=20,
            cache_seconds=60,  # totals over every visible open deal
            invalidated_by=("deal.*",),
        )
    )
    register_panel(
        Panel(
            "accounts.account",
            "deals.account_deals",
            "deals/_account_panel.html",
            account_deals_panel,
            process="deals",
            order=20,
        )
    )
    register_panel(
        Panel(
            "accounts.contact",
            "deals.contact_deals",
            "deals/_contact_panel.html",
            contact_deals_panel,
            process="deals",
            order=20,
        )
    )
    for link in (
        SettingsLink(
            "Pipelines and stages",
            "deals:pipeline_settings",
            "Stages, win probabilities, stalled limits and exit criteria.",
            order=20,
        ),
        SettingsLink(
            "Products",
            "deals:product_settings",
            "The catalogue for line items and cross-sell.",
            order=21,
        ),
        SettingsLink(
            "Lost reasons",
            "deals:lost_reason_settings",
            "The list reps pick from when a deal is lost.",
            order=22,
        ),
    ):
        register_settings_link(link)
    demo.register()
    account_demo.register()  # a few key accounts slide into "at risk"
