from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal management"

    def ready(self):
        from salesproc.registry import OwnedRecords, register_owned_records

        from . import hooks, report_hooks, services
        from .models import Deal

        hooks.register()  # pipeline, board, deals, products, cross-sell
        report_hooks.register()  # month plan, forecast, dashboard, stalled, quotas
        register_owned_records(
            OwnedRecords(
                "deals",
                "open deals",
                lambda user: Deal.objects.filter(owner=user, status=Deal.Status.OPEN).count(),
                services.deal_reassign_open,
                order=30,
            )
        )
