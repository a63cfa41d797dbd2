from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Call management"

    def ready(self):
        from salesproc.registry import OwnedRecords, register_owned_records

        from . import hooks, services
        from .models import Call

        hooks.register()
        register_owned_records(
            OwnedRecords(
                "calls",
                "planned calls",
                lambda user: Call.objects.filter(owner=user, status=Call.Status.PLANNED).count(),
                services.call_reassign_open,
                order=40,
            )
        )
