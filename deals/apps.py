from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deal management"

    def ready(self):
        from . import event_types

        event_types.register()  # the event catalogue: every name this app records
        from . import workflow_actions

        workflow_actions.register()  # what workflow rules may do with this app's records
        # imported here, as Django wants: the app registry is ready only now
        from salesproc import events
        from salesproc.registry import (
            OwnedRecords,
            Restorable,
            register_owned_records,
            register_restorable,
        )

        from . import account_signals, hooks, services
        from .models import Deal
        from .reporting import hooks as report_hooks
        from .reporting import subscribers

        hooks.register()  # pipeline, board, deals, products, cross-sell
        report_hooks.register()  # month plan, forecast, dashboard, stalled, quotas
        events.subscribe(
            "deal.stalled", subscribers.STALLED_SUBSCRIBER, subscribers.notify_stalled_owner
        )
        account_signals.register()  # figures and health signals for account management
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
        from . import record_types

        record_types.register()
        from . import report_types

        report_types.register()

        from . import search

        search.register()

        from . import bulk_actions

        bulk_actions.register()
