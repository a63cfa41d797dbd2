"""Navigation, widgets and demo data of deal reporting (month plan, forecast, quotas)."""

from salesproc.registry import (
    DemoSeeder,
    NavItem,
    SettingsLink,
    Widget,
    register_demo,
    register_nav,
    register_settings_link,
    register_widget,
)

from . import demo, views


def register():
    for item in (
        NavItem(
            "Month plan",
            "deals:month_plan",
            process="deals",
            order=30,
            active_prefix="/deals/month-plan/",
        ),
        NavItem(
            "Forecast",
            "deals:forecast",
            process="deals",
            order=31,
            active_prefix="/deals/forecast/",
        ),
        NavItem(
            "Pipeline dashboard",
            "deals:pipeline_dashboard",
            process="deals",
            order=32,
            active_prefix="/deals/dashboard/",
        ),
        NavItem(
            "Stalled deals",
            "deals:stalled_deals",
            process="deals",
            order=33,
            active_prefix="/deals/stalled/",
        ),
        NavItem(
            "Quotas",
            "deals:quota_admin",
            process="deals",
            order=34,
            manager_only=True,
            active_prefix="/deals/quotas/",
        ),
    ):
        register_nav(item)
    register_widget(
        Widget(
            "deals.month_plan",
            "deals/reports/_widget_month_plan.html",
            views.month_plan_widget,
            process="deals",
            order=20,
            cache_seconds=60,  # the month's figures over every visible deal
            invalidated_by=("deal.*", "quota.*"),
        )
    )
    register_settings_link(
        SettingsLink(
            "Quotas",
            "deals:quota_admin",
            "Monthly quota per rep: the target of the month plan, forecast and attainment.",
            order=40,
        )
    )
    register_demo(DemoSeeder("deal reports", demo.seed, order=47))
