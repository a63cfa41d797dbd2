"""Data: the PROCESSES.md default criteria as version 1, and the default disqualification
reasons, so that reading the criteria never has to write them."""

from django.db import migrations

from leads.presets import DEFAULT_DISQUALIFICATION_REASONS, PRESETS

CRITERION_FIELDS = [
    "label",
    "question",
    "guidance",
    "answer_type",
    "choices",
    "number_min",
    "number_max",
    "weight",
    "must_have",
    "rule_industries",
    "rule_employees_min",
    "rule_employees_max",
    "rule_countries",
]


def _snapshot(criterion):
    def num(value):
        return None if value is None else float(value)

    return {
        "id": criterion.pk,
        "label": criterion.label,
        "question": criterion.question,
        "guidance": criterion.guidance,
        "answer_type": criterion.answer_type,
        "choices": criterion.choices or [],
        "number_min": num(criterion.number_min),
        "number_max": num(criterion.number_max),
        "weight": criterion.weight,
        "must_have": criterion.must_have,
        "rule_industries": criterion.rule_industries or [],
        "rule_employees_min": criterion.rule_employees_min,
        "rule_employees_max": criterion.rule_employees_max,
        "rule_countries": criterion.rule_countries or [],
        "order": criterion.order,
    }


def seed(apps, schema_editor):
    Criterion = apps.get_model("leads", "Criterion")
    CriteriaVersion = apps.get_model("leads", "CriteriaVersion")
    DisqualificationReason = apps.get_model("leads", "DisqualificationReason")
    if not DisqualificationReason.objects.exists():
        DisqualificationReason.objects.bulk_create(
            [
                DisqualificationReason(name=name, order=i)
                for i, name in enumerate(DEFAULT_DISQUALIFICATION_REASONS)
            ]
        )
    if CriteriaVersion.objects.exists():
        return
    preset = PRESETS["default"]
    if not Criterion.objects.exists():
        for order, item in enumerate(preset["criteria"]):
            Criterion.objects.create(
                order=order, **{k: v for k, v in item.items() if k in CRITERION_FIELDS}
            )
    criteria = Criterion.objects.order_by("order", "id")
    CriteriaVersion.objects.create(
        number=1,
        criteria=[_snapshot(c) for c in criteria],
        qualify_at=preset["qualify_at"],
        disqualify_below=preset["disqualify_below"],
        note="the default criteria",
    )


class Migration(migrations.Migration):
    dependencies = [("leads", "0002_intake_submission_proposed_changes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
