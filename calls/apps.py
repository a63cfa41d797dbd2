from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Call management"

    def ready(self):
        from . import hooks

        hooks.register()

        from salesproc.registry import Restorable, register_restorable

        register_restorable(Restorable("call", "calls.Call", "Call", purge_order=10))
