from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal management"

    def ready(self):
        from . import account_signals, hooks, report_hooks

        hooks.register()  # pipeline, board, deals, products, cross-sell
        report_hooks.register()  # month plan, forecast, dashboard, stalled, quotas
        account_signals.register()  # figures and health signals for account management

        from salesproc.registry import Restorable, register_restorable

        register_restorable(Restorable("deal", "deals.Deal", "Deal", purge_order=30))
