"""Keyset ("cursor") pages over any ordered queryset: a deep page costs what the first does.

The cursor is the ordering values of the last row served, so the next page is "the rows
after these values" (an index range, when an index matches the ordering) instead of an
OFFSET that reads and throws away every earlier row. Works with any ordering the list
allows (ascending, descending, NULLS FIRST/LAST, several columns); the primary key is
appended as the last tie-break so the order is total. No DRF here: the API wraps it.
"""

import base64
import binascii
import datetime
import json

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import F, OrderBy, Q, Subquery

from .models import AmongIds


class _Term:
    def __init__(self, name, descending, nulls_last, nullable=True):
        self.name, self.descending, self.nulls_last = name, descending, nulls_last
        self.nullable = nullable


def _terms(queryset):
    """The queryset's ordering as (field path, descending, nulls last) terms, pk last."""
    vendor = connections[queryset.db].vendor
    model = queryset.model
    order = list(queryset.query.order_by or model._meta.ordering or [])
    terms = []
    for item in order:
        if isinstance(item, str):
            descending = item.startswith("-")
            name = item.lstrip("-+")
            nulls_last = None
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls_last = True if item.nulls_last else (False if item.nulls_first else None)
        elif isinstance(item, F):
            name, descending, nulls_last = item.name, False, None
        else:
            raise ValueError(f"cannot page by cursor over the ordering {item!r}")
        if name == "pk":
            name = model._meta.pk.name
        if nulls_last is None:
            # The database's default: PostgreSQL puts NULL last ascending, SQLite first.
            nulls_last = (not descending) if vendor == "postgresql" else descending
        try:
            nullable = _field(model, name).null
        except FieldDoesNotExist:  # an annotation
            nullable = True
        terms.append(_Term(name, descending, nulls_last, nullable))
    pk_name = model._meta.pk.name
    if not any(term.name == pk_name for term in terms):
        descending = terms[-1].descending if terms else False
        terms.append(_Term(pk_name, descending, False, nullable=False))
    return terms


def _field(model, path):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


def _value(row, path):
    for part in path.split("__"):
        row = getattr(row, part) if row is not None else None
        if hasattr(row, "_meta"):  # a related object ordered by its key
            row = row.pk
    return row


def _after(term, value):
    """Rows strictly after `value` in `term`'s direction."""
    if value is None:
        return Q(pk__in=[]) if term.nulls_last else Q(**{f"{term.name}__isnull": False})
    lookup = "lt" if term.descending else "gt"
    condition = Q(**{f"{term.name}__{lookup}": value})
    if term.nulls_last and term.nullable:
        condition |= Q(**{f"{term.name}__isnull": True})
    return condition


def _equal(term, value):
    if value is None:
        return Q(**{f"{term.name}__isnull": True})
    return Q(**{term.name: value})


def _order(term):
    nulls = {"nulls_last": True} if term.nulls_last else {"nulls_first": True}
    return F(term.name).desc(**nulls) if term.descending else F(term.name).asc(**nulls)


class _ExactEncoder(DjangoJSONEncoder):
    """Times to the microsecond (DjangoJSONEncoder keeps milliseconds: a cursor must match
    the stored value exactly, or rows with the same second would be skipped)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def encode(values):
    raw = json.dumps(values, cls=_ExactEncoder, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor, terms, model):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(terms):
            raise ValueError
        return [
            None if value is None else _field(model, term.name).to_python(value)
            for term, value in zip(terms, values, strict=True)
        ]
    except (ValueError, TypeError, binascii.Error, ValidationError, FieldDoesNotExist):
        raise ValidationError({"cursor": "This cursor is not valid for this list."}) from None


def in_total_order(queryset):
    """`queryset` with its primary key appended to its ordering when missing, so that
    numbered pages over ties (`?ordering=name`) are stable from one page to the next and
    match the cursor pages. Unchanged when the ordering is an expression."""
    try:
        terms = _terms(queryset)
    except ValueError:
        return queryset
    return queryset.order_by(*[_order(t) for t in terms])


def cursor_page(queryset, *, cursor, size):
    """(rows, next cursor or None). `cursor` is None or "" for the first page."""
    terms = _terms(queryset)
    queryset = queryset.order_by(*[_order(t) for t in terms])
    if cursor:
        values = decode(cursor, terms, queryset.model)
        condition, prefix = Q(pk__in=[]), Q()
        for term, value in zip(terms, values, strict=True):
            condition |= prefix & _after(term, value)
            prefix &= _equal(term, value)
        first, start = terms[0], values[0]
        if start is not None and not (first.nulls_last and first.nullable):
            # A bound the index can range over (the OR above alone is only a filter).
            condition &= Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": start})
        queryset = queryset.filter(condition)
    # The ids first, on the bare table (salesproc.paginator does the same): the joined
    # columns are then read for the page's rows only. Still one query.
    if not queryset.query.distinct:
        ids = Subquery(queryset.values("pk")[: size + 1])
        queryset = queryset.filter(AmongIds(F("pk"), ids))
    rows = list(queryset[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if not has_more or not rows:
        return rows, None
    last = rows[-1]
    return rows, encode([_value(last, term.name) for term in terms])
