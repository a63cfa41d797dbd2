from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Lead qualification"

    def ready(self):
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
        from . import record_types

        record_types.register()
        from . import bulk_actions

        bulk_actions.register()
