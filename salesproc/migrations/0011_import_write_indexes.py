# Fewer indexes for every event to write (an import writes 100,000): the content type's
# own index (the (content_type, object_id) one serves it), and the `_like` index that
# db_index added on the name (PostgreSQL only; no query matches a name by prefix). The
# name's plain index stays as it is, now declared in Meta under its existing name.

import django.db.models.deletion
from django.db import migrations, models


def drop_name_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS salesproc_event_name_27596c68_like")


def add_name_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS salesproc_event_name_27596c68_like"
            " ON salesproc_event (name varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("salesproc", "0010_search_words"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="content_type",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                to="contenttypes.contenttype",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event", name="name", field=models.CharField(max_length=64)
                ),
                migrations.AddIndex(
                    model_name="event",
                    index=models.Index(fields=["name"], name="salesproc_event_name_27596c68"),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_name_like_index, add_name_like_index),
            ],
        ),
    ]
