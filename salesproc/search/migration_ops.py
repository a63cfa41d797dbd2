"""Migration operations for a searchable table: on PostgreSQL the stored vector, its
trigger and GIN index, and a trigram index on the name; nothing on SQLite (the fallback
needs none). Apps' migrations call `search_operations(...)`, and `contains_indexes(...)`
for the columns a list's `?search=` reads."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def _vector_sql(weighted):
    parts = []
    for weight, columns in weighted.items():
        text = " || ' ' || ".join(f"coalesce(NEW.{c}::text, '')" for c in columns)
        parts.append(f"setweight(to_tsvector('simple', {text}), '{weight}')")
    return " || ".join(parts)


def _forwards_sql(index):
    table = index.table
    columns = sorted({c for cols in index.weighted.values() for c in cols})
    name = index.name_sql.format(t="")
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"""CREATE OR REPLACE FUNCTION {table}_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector := {_vector_sql(index.weighted)};
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}",
        f"""CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE OF {", ".join(columns)}
ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()""",
        # Fill the vector of the rows already there (the trigger runs on this update).
        f"UPDATE {table} SET {columns[0]} = {columns[0]}",
        f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)",
        f"CREATE INDEX IF NOT EXISTS {table}_name_trgm ON {table} USING gin (({name}) gin_trgm_ops)",
    ]


def _backwards_sql(index):
    table = index.table
    return [
        f"DROP INDEX IF EXISTS {table}_name_trgm",
        f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_search_vector()",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
    ]


def _on_postgres(statements):
    """A RunPython function executing `statements` on PostgreSQL (nothing elsewhere)."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


def search_operations(*indexes):
    """pg_trgm, then for each TextIndex its vector, trigger and indexes (PostgreSQL only)."""
    operations = [TrigramExtension()]
    for index in indexes:
        operations.append(
            migrations.RunPython(
                _on_postgres(_forwards_sql(index)),
                _on_postgres(_backwards_sql(index)),
                elidable=False,
            )
        )
    return operations


def _contains_index(table, column):
    return f"{table}_{column}_contains"


def contains_indexes(table, *columns):
    """Trigram indexes for a list's substring search (PostgreSQL only).

    Django's `icontains` compares `UPPER(col::text) LIKE UPPER('%term%')`; an index on the
    bare column does not serve that expression, so each index is on exactly it. With them
    the API's search reads matching rows by bitmap index scans instead of the whole table
    (salesproc.api_search searches a related table's column through its own index).
    """
    forwards = [
        f"CREATE INDEX IF NOT EXISTS {_contains_index(table, c)} ON {table} "
        f"USING gin ((UPPER({c}::text)) gin_trgm_ops)"
        for c in columns
    ]
    backwards = [f"DROP INDEX IF EXISTS {_contains_index(table, c)}" for c in columns]
    return [
        TrigramExtension(),
        migrations.RunPython(_on_postgres(forwards), _on_postgres(backwards), elidable=False),
    ]
