from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Call management"

    def ready(self):
        from . import hooks, notifications

        hooks.register()
        notifications.register()
