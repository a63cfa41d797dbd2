from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Lead qualification"

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

        from . import hooks, services
        from .intake import hooks as intake_hooks
        from .models import Lead

        hooks.register()  # leads, criteria, qualification, conversion, metrics
        intake_hooks.register()  # intake forms, CSV import
        register_restorable(
            Restorable(
                "lead", "leads.Lead", "Lead", name=lambda lead: lead.full_name, purge_order=20
            )
        )
        register_owned_records(
            OwnedRecords(
                "leads",
                "open leads",
                lambda user: Lead.objects.filter(
                    owner=user, status__in=services.OPEN_LEAD_STATUSES
                ).count(),
                services.lead_reassign_open,
                order=20,
            )
        )
        from . import notifications, record_types

        record_types.register()
        from . import report_types

        report_types.register()

        from . import search

        search.register()
        notifications.register()

        from . import bulk_actions

        bulk_actions.register()
