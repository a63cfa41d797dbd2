from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Lead qualification"

    def ready(self):
        from . import hooks, intake_hooks

        hooks.register()  # leads, criteria, qualification, conversion, metrics
        intake_hooks.register()  # intake forms, CSV import

        from salesproc.registry import Restorable, register_restorable

        register_restorable(
            Restorable(
                "lead", "leads.Lead", "Lead", name=lambda lead: lead.full_name, purge_order=20
            )
        )
