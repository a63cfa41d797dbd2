from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal management"

    def ready(self):
        # imported here, as Django wants: the app registry is ready only now
        from salesproc import events

        from . import hooks
        from .reporting import hooks as report_hooks
        from .reporting import subscribers

        hooks.register()  # pipeline, board, deals, products, cross-sell
        report_hooks.register()  # month plan, forecast, dashboard, stalled, quotas
        events.subscribe(
            "deal.stalled", subscribers.STALLED_SUBSCRIBER, subscribers.notify_stalled_owner
        )
