"""The default plan prompts (PROCESSES.md, "3. Opportunity management") as version 1,
and the starting lists: do nothing / build in-house, win strategies, win/loss reasons."""

from django.db import migrations

PROMPTS = [
    ("problem", "What business problem are you trying to solve for the customer?"),
    ("stakeholders", "Which stakeholders do you need to deal with?"),
    ("competition", "How will you position yourself against the competition?"),
    ("strategy", "Which strategy will win this deal?"),
    ("next_steps", "What happens next, who does it, and by when?"),
]
STRATEGIES = [
    ("Value / ROI-led", "Build the business case with the customer's own numbers."),
    ("Executive sponsor", "Win a senior sponsor who carries the decision."),
    ("Proof of concept or pilot", "Let them see it work on their data first."),
    ("Competitive displacement", "Replace the incumbent on its weak spots."),
    ("Relationship", "Lean on trust built with the buying group."),
    ("Price", "Win on total cost."),
]
REASONS = {
    "won": ["Best fit for the problem", "Business case / ROI", "Relationship and trust", "Price"],
    "lost": [
        "Lost to a competitor",
        "No decision / stayed with status quo",
        "Price",
        "Missing capability",
        "Timing or budget",
    ],
}


def seed(apps, schema_editor):
    PlanPrompt = apps.get_model("opportunities", "PlanPrompt")
    PlanPromptVersion = apps.get_model("opportunities", "PlanPromptVersion")
    Competitor = apps.get_model("opportunities", "Competitor")
    WinStrategy = apps.get_model("opportunities", "WinStrategy")
    WinLossReason = apps.get_model("opportunities", "WinLossReason")
    if not PlanPrompt.objects.exists():
        prompts = [
            PlanPrompt.objects.create(section=s, text=t, order=n)
            for n, (s, t) in enumerate(PROMPTS)
        ]
        PlanPromptVersion.objects.create(
            number=1, prompts=[{"id": p.pk, "section": p.section, "text": p.text} for p in prompts]
        )
    Competitor.objects.get_or_create(
        name="Do nothing",
        defaults={"kind": "do_nothing", "how_we_win": "Put a price on waiting."},
    )
    Competitor.objects.get_or_create(
        name="Build in-house",
        defaults={"kind": "in_house", "how_we_win": "Count the engineers it would take."},
    )
    for order, (name, description) in enumerate(STRATEGIES):
        WinStrategy.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )
    for outcome, names in REASONS.items():
        for order, name in enumerate(names):
            WinLossReason.objects.get_or_create(
                outcome=outcome, name=name, defaults={"order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_opportunity_plans")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
