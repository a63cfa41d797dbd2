"""Map the free-text objection categories onto the list (a word that matches, or a
common synonym; anything else becomes Other, blank stays blank)."""

from django.db import migrations

SYNONYMS = {
    "price": ["price", "pricing", "cost", "budget", "money"],
    "timing": ["timing", "time", "urgency", "later"],
    "need": ["need", "value", "fit", "priority"],
    "authority": ["authority", "decision", "decision maker", "approval", "signoff", "sign-off"],
    "competition": ["competition", "competitor", "competitors", "incumbent"],
    "trust": ["trust", "risk", "security", "reference", "references"],
    "other": ["other"],
}


def category_for(value: str) -> str:
    word = (value or "").strip().lower()
    if not word:
        return ""
    for category, words in SYNONYMS.items():
        if word in words:
            return category
    for category, words in SYNONYMS.items():
        if any(w in word for w in words):
            return category
    return "other"


def forwards(apps, schema_editor):
    Objection = apps.get_model("calls", "Objection")
    for objection in Objection.objects.exclude(category=""):
        mapped = category_for(objection.category)
        if mapped != objection.category:
            objection.category = mapped
            objection.save(update_fields=["category"])


def backwards(apps, schema_editor):
    Objection = apps.get_model("calls", "Objection")
    for objection in Objection.objects.exclude(category=""):
        objection.category = objection.category.capitalize()
        objection.save(update_fields=["category"])


class Migration(migrations.Migration):
    dependencies = [("calls", "0005_objection_category_choices")]

    operations = [migrations.RunPython(forwards, backwards)]
