from django.db import migrations

# The categories frozen as they shipped; the templates come from their defaults module
CATEGORIES = [
    ("Entering data in the CRM", False, "workflows"),
    ("Writing emails", False, "templates"),
    ("Preparing proposals and quotes", False, "quotes"),
    ("Building reports", False, "reports"),
    ("Internal meetings", False, ""),
    ("Travel", False, ""),
    ("Prospecting", True, ""),
    ("Customer calls", True, ""),
    ("Customer meetings", True, ""),
    ("Training", False, ""),
]


def seed(apps, schema_editor):
    from automation.emails.defaults import DEFAULT_TEMPLATES

    AuditCategory = apps.get_model("automation", "AuditCategory")
    EmailTemplate = apps.get_model("automation", "EmailTemplate")
    for order, (name, selling, automation) in enumerate(CATEGORIES, start=1):
        AuditCategory.objects.get_or_create(
            name=name, defaults={"selling": selling, "automation": automation, "order": order * 10}
        )
    for name, category, subject, body in DEFAULT_TEMPLATES:
        EmailTemplate.objects.get_or_create(
            name=name,
            shared=True,
            defaults={"category": category, "subject": subject, "body": body},
        )


class Migration(migrations.Migration):
    dependencies = [("automation", "0003_time_audit_and_email_templates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
