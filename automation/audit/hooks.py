"""Navigation, settings link, the event catalogue, the registered report and demo data of
the time audit."""

from salesproc.registry import (
    DemoSeeder,
    EventType,
    HeaderAction,
    NavItem,
    Param,
    Report,
    SettingsLink,
    register_demo,
    register_event_types,
    register_header_action,
    register_nav,
    register_report,
    register_settings_link,
)


def register():
    from . import demo, selectors, tasks  # noqa: F401  (tasks: registered with Celery)

    register_nav(
        NavItem(
            "Time audit",
            "automation:audit:audit_list",
            process="automation",
            order=79,
            active_prefix="/automation/audit/",
        )
    )
    register_header_action(
        HeaderAction(
            "automation.log_time",
            "Log time",
            "automation:audit:quick_entry",
            process="automation",
            order=10,
        )
    )
    register_settings_link(
        SettingsLink(
            "Time audit categories",
            "automation:audit:category_list",
            "The tasks people log in a time audit, and the automation that addresses each.",
            order=80,
        )
    )
    register_event_types(
        EventType(
            "time_audit.opened",
            "An admin or manager opened a time audit period for teams and roles.",
            example={"starts_on": "2026-11-23", "ends_on": "2026-11-29", "participants": 5},
        )
    )
    register_report(
        Report(
            "automation.time_audit",
            "Time audit",
            selectors.report_rows,
            params=(
                Param("audit", "Audit", kind="int", required=False, help="Empty: the latest."),
            ),
            url_name="automation:audit:audit_list",
            process="automation",
            order=90,
        )
    )
    register_demo(DemoSeeder("automation.time_audit", demo.seed, order=91))
