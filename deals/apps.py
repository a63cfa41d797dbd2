from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal management"

    def ready(self):
        from . import hooks
        from .reporting import hooks as report_hooks

        hooks.register()  # pipeline, board, deals, products, cross-sell
        report_hooks.register()  # month plan, forecast, dashboard, stalled, quotas
