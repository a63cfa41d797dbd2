"""Navigation, events, demo data and tasks of scheduled reports."""

from salesproc.registry import (
    DemoSeeder,
    EventType,
    NavItem,
    register_demo,
    register_event_types,
    register_nav,
)


def register():
    """Subscribe to events and register seams, from AutomationConfig.ready()."""
    from . import demo, tasks  # noqa: F401  (tasks: the worker finds them by name)

    register_nav(
        NavItem(
            "Report subscriptions",
            "automation:reports:list",
            order=90,
            active_prefix="/automation/reports/",
        )
    )
    example = {"report": "deals.pipeline", "frequency": "weekly", "scope": "mine"}
    register_event_types(
        EventType(
            "report_subscription.created",
            "Someone subscribed to a report by email.",
            example=example,
        ),
        EventType(
            "report_subscription.updated",
            "A report subscription's schedule or filters changed.",
            example={**example, "active": True},
        ),
        EventType(
            "report_subscription.deleted",
            "A report subscription was deleted.",
            example={"report": "deals.pipeline"},
        ),
        EventType(
            "report_subscription.unsubscribed",
            "The subscriber unsubscribed with the link in a report email.",
            example={"report": "deals.pipeline"},
        ),
        EventType(
            "report_subscription.sent",
            "A scheduled report email went out for a period.",
            example={"period": "2026-W49", "rows": 12, "error": ""},
        ),
        EventType(
            "report_subscription.failed",
            "A scheduled report could not be sent for a period (the report no longer "
            "runs for its subscriber).",
            example={"period": "2026-12", "rows": 0, "error": "Rep: no such person you can see."},
        ),
    )
    register_demo(DemoSeeder("report subscriptions", demo.seed, order=95))
