"""What webhooks register: the outbox subscriber, a settings page and a workflow action."""

from salesproc import events
from salesproc.registry import (
    DemoSeeder,
    EventType,
    Param,
    SettingsLink,
    WorkflowAction,
    register_demo,
    register_event_types,
    register_settings_link,
    register_workflow_action,
)


def _call_webhook(*, actor, event, subject, params, dry_run):
    from django.core.exceptions import ValidationError

    from . import services
    from .models import Webhook

    hook = Webhook.objects.filter(pk=params.get("webhook")).first()
    if hook is None:
        raise ValidationError({"webhook": ["No such webhook."]})
    if dry_run:
        return f"Would send {event.name} to {hook.url}."
    _delivery, created = services.deliver_event_to(event=event, webhook=hook)
    if created:
        return f"Queued {event.name} for {hook.url}."
    return f"{hook.url} already has {event.name}."


def register():
    from . import delivery, tasks  # noqa: F401  (tasks: registered for the worker)
    from .demo import seed_demo

    events.subscribe(
        "*", delivery.SUBSCRIBER_KEY, delivery.fan_out, atomic=True, wants=delivery.wants
    )
    register_settings_link(
        SettingsLink(
            "Webhooks",
            "automation:webhooks:list",
            "Signed POSTs to other systems when deals, leads, calls… change.",
            order=80,
        )
    )
    register_workflow_action(
        WorkflowAction(
            "automation.call_webhook",
            "Call a webhook",
            _call_webhook,
            params=(Param("webhook", "Webhook", kind="int", help="The subscription's id."),),
            order=900,
        )
    )
    register_demo(DemoSeeder("webhooks", seed_demo, order=900))
    register_event_types(
        EventType(
            "webhooks.benchmark",
            "Recorded only by `manage.py benchmark_webhooks` to time deliveries.",
            record="account",
            example={"n": 0},
        ),
        EventType(
            "webhook.ping",
            "A test event sent from Settings → Webhooks (Send a test event) or the API's "
            "ping/; never recorded on a record, only delivered to that one subscription.",
            example={},
        ),
    )
