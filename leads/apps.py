from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Lead qualification"

    def ready(self):
        from . import hooks
        from .intake import hooks as intake_hooks

        hooks.register()  # leads, criteria, qualification, conversion, metrics
        intake_hooks.register()  # intake forms, CSV import
