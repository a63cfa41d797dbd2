from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "opportunities"

    def ready(self):
        from . import hooks

        hooks.register()  # nav, widgets, panel, settings, demo, stage gate, subscribers
        from . import report_types

        report_types.register()
