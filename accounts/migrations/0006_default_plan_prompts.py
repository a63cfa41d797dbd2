"""The default account-plan prompts (PROCESSES.md's three questions, revenue, risks) and
the settings row. Admins reword and extend them afterwards."""

from django.db import migrations

PROMPTS = [
    (
        "customer_since",
        "relationship",
        "Since when have they been a customer, and what do they buy from us?",
        "",
    ),
    (
        "sponsors",
        "relationship",
        "Who is the executive sponsor on each side?",
        "Their name and role, and ours.",
    ),
    (
        "history",
        "relationship",
        "The short history of the relationship",
        "Milestones, escalations, what they value in us.",
    ),
    (
        "business_goals",
        "needs",
        "What is the customer trying to achieve this period?",
        "Their goals, in their words.",
    ),
    (
        "action_summary",
        "actions",
        "What will keep the relationship healthy and profitable?",
        "The few moves that matter; the action items below carry the detail.",
    ),
    (
        "growth_plan",
        "revenue",
        "How will we retain and grow revenue this period?",
        "Renewals, expansions and products not yet bought.",
    ),
    ("risk_summary", "risks", "What could lose us this account?", ""),
]


def add_prompts(apps, schema_editor):
    PlanPrompt = apps.get_model("accounts", "PlanPrompt")
    PlanSettings = apps.get_model("accounts", "PlanSettings")
    for order, (key, section, text, help_text) in enumerate(PROMPTS):
        PlanPrompt.objects.get_or_create(
            key=key,
            defaults={
                "section": section,
                "text": text,
                "help_text": help_text,
                "order": order * 10,
            },
        )
    if not PlanSettings.objects.exists():
        PlanSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_account_plans")]
    operations = [migrations.RunPython(add_prompts, migrations.RunPython.noop)]
