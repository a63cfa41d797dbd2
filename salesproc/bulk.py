"""Bulk writes for PostgreSQL, with a portable fallback: thousands of rows per statement.

On PostgreSQL an INSERT or UPDATE takes one array parameter per column and unnests it
(`unnest(%s::type[], ...)`): no model instance per row, and no CASE per field and row as
Django's bulk_update builds. Elsewhere (SQLite in tests) Django's bulk_create and
bulk_update do the same work. The lead import uses these; any batch job may.
"""

import json
import zlib

from django.db import connection, models
from django.utils import timezone

FALLBACK_BATCH_SIZE = 1000


def insert_rows(model, rows: list[dict]) -> list[int]:
    """INSERT many new rows ({attname: value}; other columns take their defaults) -> ids.

    On PostgreSQL one INSERT ... SELECT FROM unnest(arrays): a parameter per column
    instead of one per value, and no model instance per row; a fraction of the time of
    bulk_create for an import batch. Elsewhere, bulk_create.
    """
    if not rows:
        return []
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    defaults = {
        f.attname: (timezone.now() if getattr(f, "auto_now", False) else f.get_default())
        for f in fields
        if f.attname not in rows[0]
    }
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create(
            [model(**{**defaults, **row}) for row in rows], batch_size=FALLBACK_BATCH_SIZE
        )
        return [obj.pk for obj in created]
    quote = connection.ops.quote_name
    arrays, params = [], []
    for f in fields:
        if f.attname in defaults:
            values = [defaults[f.attname]] * len(rows)
        else:
            values = [row[f.attname] for row in rows]
        if isinstance(f, models.JSONField):
            values = [None if v is None else json.dumps(v, cls=f.encoder) for v in values]
        arrays.append(f"%s::{f.db_type(connection)}[]")
        params.append(values)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT * FROM unnest({', '.join(arrays)}) RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def bulk_insert(model, objects):
    """insert_rows for model instances: saves them and gives them their ids."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [{f.attname: getattr(obj, f.attname) for f in fields} for obj in objects]
    for obj, pk in zip(objects, insert_rows(model, rows), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def bulk_update(model, objects, fields):
    """Save these fields of many rows in one statement.

    On PostgreSQL one UPDATE ... FROM unnest(arrays): Django's bulk_update builds a CASE
    per field and row, which takes seconds for a thousand rows. Elsewhere, bulk_update.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=500)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    arrays = [f"%s::{meta.pk.db_type(connection)}[]"] + [
        f"%s::{column.db_type(connection)}[]" for column in columns
    ]
    aliases = ["pk"] + [f"c{i}" for i in range(len(columns))]
    assignments = ", ".join(f"{quote(column.column)} = d.c{i}" for i, column in enumerate(columns))
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM unnest({', '.join(arrays)}) AS d({', '.join(aliases)}) "
        f"WHERE t.{quote(meta.pk.column)} = d.pk"
    )
    params = [[obj.pk for obj in objects]] + [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for obj in objects]
        for column in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def lock_emails(emails, *, namespace=4242):
    """Serialise writers of rows keyed by these emails until the transaction ends (PostgreSQL).

    Takes advisory locks in a fixed order so two importers can't deadlock. Other
    databases serialise writers anyway (SQLite) and skip this.
    """
    if connection.vendor != "postgresql":
        return
    keys = sorted({zlib.crc32(e.encode()) - 2**31 for e in emails if e})
    if not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, k) FROM unnest(%s::int[]) AS k",
            [namespace, keys],
        )
