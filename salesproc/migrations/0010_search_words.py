"""The typo dictionary of the global search (salesproc.search.words) and, on
PostgreSQL, its trigram index."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def _index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS salesproc_searchword_trgm"
            " ON salesproc_searchword USING gin (word gin_trgm_ops)"
        )


def _drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS salesproc_searchword_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("salesproc", "0009_bulk_jobs"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
            ],
            options={"db_table": "salesproc_searchword"},
        ),
        migrations.RunPython(_index, _drop_index, elidable=False),
    ]
