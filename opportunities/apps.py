from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "opportunities"

    def ready(self):
        from . import event_types

        event_types.register()  # the event catalogue: every name this app records
        from . import hooks

        hooks.register()  # nav, widgets, panel, settings, demo, stage gate, subscribers
        from . import report_types

        report_types.register()
