from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "automation"
    verbose_name = "Sales automation"

    def ready(self):
        from .audit import hooks as audit_hooks
        from .emails import hooks as emails_hooks
        from .quotes import hooks as quotes_hooks
        from .reports import hooks as reports_hooks
        from .webhooks import hooks as webhooks_hooks
        from .workflows import hooks as workflows_hooks

        workflows_hooks.register()
        webhooks_hooks.register()
        audit_hooks.register()
        emails_hooks.register()
        quotes_hooks.register()
        reports_hooks.register()
