from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Call management"

    def ready(self):
        from salesproc.registry import Restorable, register_restorable

        from . import account_signals, hooks, notifications

        hooks.register()
        notifications.register()
        account_signals.register()  # last contact and its health signal
        register_restorable(Restorable("call", "calls.Call", "Call", purge_order=10))
