"""Bulk actions on a list's selected rows (salesproc.bulk_actions runs them)."""

from collections.abc import Callable
from dataclasses import dataclass

from ._store import _replace, registry

__all__ = [
    "BulkAction",
    "BulkList",
    "bulk_action",
    "bulk_actions_for",
    "bulk_list",
    "register_bulk_action",
    "register_bulk_list",
]


@dataclass(frozen=True)
class BulkList:
    """A list page whose rows can be selected: record_type matches a RecordType's type.

    filtered(*, user, params) -> the queryset the list shows for these GET parameters
    (a QueryDict or a dict), for "all N matching this filter"; only visible records.
    """

    record_type: str
    filtered: Callable


@dataclass(frozen=True)
class BulkAction:
    """One action on the selected rows of a list; record_type "*" offers it on every
    bulk list (a task on any record).

    form: a Django form class taking (data, user=) that cleans the action's parameters
    (None: the action has none); run(*, actor, record, params) changes one record
    through the app's service, with params the form's cleaned_data; it raises
    ValidationError, PermissionDenied or Http404 to refuse that row (the report shows
    the message). Each row runs in its own transaction.
    """

    record_type: str
    key: str
    label: str
    run: Callable
    form: type | None = None
    confirm: str = ""  # asked before running ("Move the selected leads to the recycle bin?")
    order: int = 100


def register_bulk_list(item: BulkList):
    _replace(registry.bulk_lists, item, lambda i: i.record_type)


def bulk_list(record_type):
    return next((i for i in registry.bulk_lists if i.record_type == record_type), None)


def register_bulk_action(action: BulkAction):
    _replace(registry.bulk_actions, action, lambda a: (a.record_type, a.key))


def bulk_actions_for(record_type):
    items = [a for a in registry.bulk_actions if a.record_type in (record_type, "*")]
    return sorted(items, key=lambda a: (a.order, a.key))


def bulk_action(record_type, key):
    return next((a for a in bulk_actions_for(record_type) if a.key == key), None)
