"""Navigation, record panels, the event catalogue entry, the workflow action and demo data
of email templates."""

from salesproc.registry import (
    DemoSeeder,
    EventType,
    NavItem,
    Panel,
    Param,
    WorkflowAction,
    register_demo,
    register_event_types,
    register_nav,
    register_panel,
    register_workflow_action,
)

PANEL_MODELS = (
    ("accounts.contact", "contact"),
    ("leads.lead", "lead"),
    ("deals.deal", "deal"),
    ("calls.call", "call"),
)


def _panel(record_type):
    def context(request, obj):
        from .models import EmailTemplate

        templates = list(
            EmailTemplate.objects.visible_to(request.user).only("id", "name").order_by("name")
        )
        return {"templates": templates, "record": obj, "record_type": record_type}

    return context


def register():
    from . import demo, services

    register_nav(
        NavItem(
            "Email templates",
            "automation:emails:template_list",
            process="automation",
            order=80,
            active_prefix="/automation/emails/",
        )
    )
    for model, record_type in PANEL_MODELS:
        register_panel(
            Panel(
                model,
                "automation.email_templates",
                "automation/emails/_panel.html",
                _panel(record_type),
                process="automation",
                order=90,
            )
        )
    register_event_types(
        EventType(
            "email.sent",
            "An email from a template was sent about the record (its rendered subject and body).",
            record="contact",
            example={
                "template": 3,
                "template_name": "Follow-up after a call",
                "to": "dana@example.com",
                "subject": "Thanks for your time today",
                "body": "Hi Dana, …",
            },
        )
    )
    register_workflow_action(
        WorkflowAction(
            "automation.send_email",
            "Send an email from a template",
            services.send_email_action,
            params=(
                Param("template", "Template", kind="int"),
                Param(
                    "to",
                    "To",
                    kind="choice",
                    choices=(("contact", "The record's contact"), ("owner", "The record's owner")),
                    default="contact",
                ),
            ),
            records=("contact", "lead", "deal", "call"),
            order=60,
        )
    )
    register_demo(DemoSeeder("automation.email_templates", demo.seed, order=90))
