from django.apps import AppConfig


class SalesprocConfig(AppConfig):
    name = "salesproc"
    verbose_name = "salesproc core"

    def ready(self):
        from . import event_types

        event_types.register()  # the event catalogue: every name this app records
        from . import workflow_actions

        workflow_actions.register()  # what workflow rules may do with this app's records
        from . import handover  # noqa: F401  (registers its Celery task in every process)
        from .idempotency import tasks as _idempotency_tasks  # noqa: F401
        from .notes import hooks as notes_hooks
        from .notifications import tasks as notification_tasks  # noqa: F401  (Celery tasks)
        from .pickers import people
        from .registry import NavItem, SettingsLink, register_nav, register_settings_link
        from .search import tasks as search_tasks
        from .todo import demo as todo_demo
        from .todo import hooks as todo_hooks
        from .todo import tasks as todo_tasks  # noqa: F401  (Celery tasks)

        people.register()
        search_tasks.register_demo_refresh()
        register_nav(NavItem("Home", "home", order=0, shortcut="h"))
        todo_hooks.register()
        todo_demo.register()
        notes_hooks.register()
        register_nav(
            NavItem("Recycle bin", "recycle_bin", order=890, active_prefix="/recycle-bin/")
        )
        register_nav(
            NavItem("Settings", "settings", order=900, admin_only=True, active_prefix="/settings/")
        )
        register_settings_link(
            SettingsLink(
                "Roles and processes",
                "role_list",
                "Which of the seven processes each sales role runs.",
                order=10,
            )
        )
        register_settings_link(
            SettingsLink("People and teams", "team_list", "Teams, managers and roles.", order=20)
        )
        register_settings_link(
            SettingsLink(
                "Events",
                "event_catalogue",
                "Every event salesproc records, with an example of its data.",
                order=89,
            )
        )
        register_settings_link(
            SettingsLink(
                "Event deliveries",
                "event_deliveries",
                "Subscribers retrying an event or given up on one.",
                order=90,
            )
        )
        register_settings_link(
            SettingsLink(
                "Locked-out logins",
                "lockout_list",
                "Usernames and addresses locked after failed log-ins; unlock them.",
                order=30,
            )
        )
