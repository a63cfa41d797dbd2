from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Call management"

    def ready(self):
        from . import event_types

        event_types.register()  # the event catalogue: every name this app records
        from . import workflow_actions

        workflow_actions.register()  # what workflow rules may do with this app's records
        from salesproc.registry import (
            OwnedRecords,
            Restorable,
            register_owned_records,
            register_restorable,
        )

        from . import account_signals, hooks, notifications, services
        from .models import Call

        hooks.register()
        notifications.register()
        account_signals.register()  # last contact and its health signal
        register_restorable(Restorable("call", "calls.Call", "Call", purge_order=10))
        register_owned_records(
            OwnedRecords(
                "calls",
                "planned calls",
                lambda user: Call.objects.filter(owner=user, status=Call.Status.PLANNED).count(),
                services.call_reassign_open,
                order=40,
            )
        )
        from . import record_types

        record_types.register()
        from . import report_types

        report_types.register()

        from . import search

        search.register()

        from . import bulk_actions

        bulk_actions.register()
