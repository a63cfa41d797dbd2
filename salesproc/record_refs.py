"""Rows that point at a record with (record_type, record_id): tasks, notes.

The registered RecordTypes decide what a person may see, here as everywhere.
"""

from collections import defaultdict

from django.db.models import Q

from .registry import record_type, record_types_for


def visible_records_q(user, *, type_field="record_type", id_field="record_id"):
    """A Q matching rows whose record the user may see (one subquery per record type)."""
    condition = Q(pk__in=[])
    for item in record_types_for(user):
        condition |= Q(
            **{type_field: item.type, f"{id_field}__in": item.visible(user).values("pk")}
        )
    return condition


def attach_records(items, *, user):
    """Set `record`, `record_label`, `record_title` and `record_url` on each item from its
    (record_type, record_id), in one query per record type; a record the user may not see
    (or that is gone) leaves them None."""
    items = list(items)
    wanted = defaultdict(set)
    for item in items:
        item.record = item.record_label = item.record_title = item.record_url = None
        if item.record_type and item.record_id:
            wanted[item.record_type].add(item.record_id)
    found = {}
    for type_name, ids in wanted.items():
        kind = record_type(type_name)
        if kind is None or (kind.process and not user.runs(kind.process)):
            continue
        for obj in kind.visible(user).filter(pk__in=ids):
            found[(type_name, obj.pk)] = (kind, obj)
    for item in items:
        hit = found.get((item.record_type, item.record_id))
        if hit:
            kind, obj = hit
            item.record, item.record_label = obj, kind.label
            item.record_title, item.record_url = kind.title(obj), kind.url(obj)
    return items


def record_ref(obj):
    """(record_type, record_id) of a registered record instance; ("", None) otherwise."""
    from .registry import record_type_of

    kind = record_type_of(obj)
    return (kind.type, obj.pk) if kind else ("", None)
