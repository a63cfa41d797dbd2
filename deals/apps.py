from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal management"

    def ready(self):
        from salesproc.registry import (
            OwnedRecords,
            Restorable,
            register_owned_records,
            register_restorable,
        )

        from . import hooks, report_hooks, services
        from .models import Deal

        hooks.register()  # pipeline, board, deals, products, cross-sell
        report_hooks.register()  # month plan, forecast, dashboard, stalled, quotas
        register_restorable(Restorable("deal", "deals.Deal", "Deal", purge_order=30))
        register_owned_records(
            OwnedRecords(
                "deals",
                "open deals",
                lambda user: Deal.objects.filter(owner=user, status=Deal.Status.OPEN).count(),
                services.deal_reassign_open,
                order=30,
            )
        )
