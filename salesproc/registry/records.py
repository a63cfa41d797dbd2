"""Kinds of record the shell handles generically: the recycle bin and handovers."""

from collections.abc import Callable
from dataclasses import dataclass, field

from ._store import _replace, registry


@dataclass(frozen=True)
class Restorable:
    """A kind of record the recycle bin holds (soft deleted: `salesproc.softdelete`).

    type: the API's name for it ("deal"); model: its label ("deals.Deal").
    restore(*, actor, obj) and purge(*, actor, obj) are the app's services; None uses the
    generic ones in `salesproc.recycle_bin` (clear the mark / hard delete, with an event).
    purge_order: lower kinds are purged first (a deal before the account it protects).
    """

    type: str
    model: str
    label: str
    restore: Callable | None = None
    purge: Callable | None = None
    name: Callable = str  # name(obj) -> what the bin shows
    purge_order: int = 100


@dataclass(frozen=True)
class OwnedRecords:
    """A kind of record people own, for handing a person's open work to someone else
    when they change team or leave (salesproc.handover).

    count_open(user) -> int; reassign_open(*, from_user, to_user, actor) -> int moves the
    user's open records of this kind to to_user (in one transaction, with events).
    """

    key: str
    label: str  # plural, for "12 open deals"
    count_open: Callable
    reassign_open: Callable
    order: int = 100


def register_restorable(restorable: Restorable):
    _replace(registry.restorables, restorable, lambda r: r.type)


def restorables_for():
    """Every kind the recycle bin holds, in purge order."""
    return sorted(registry.restorables, key=lambda r: (r.purge_order, r.type))


def register_owned_records(kind: OwnedRecords):
    _replace(registry.owned_records, kind, lambda k: k.key)


def owned_records_for():
    return sorted(registry.owned_records, key=lambda k: (k.order, k.key))


@dataclass(frozen=True)
class RecordType:
    """A kind of record generic features point at with ("record_type", "record_id"):
    tasks, notes, email templates, global search, bulk actions, workflow conditions.

    type: the API's name ("deal"); model: its label ("deals.Deal"); label: "Deal".
    visible(user) -> the queryset of these records the user may see (`visible_to`), the
    one rule every generic feature uses; title(obj) -> what a link to it reads;
    url(obj) -> its page. process: the process a role must run to reach these records.
    represent(obj, *, user) -> the record as the API shows it (its serializer's data),
    for webhook payloads and workflow conditions, or None when the user may not see it.
    Each app's record_types.py sets it to `salesproc.api_support.represent_with(<its
    viewset>, obj, user=user)`, importing the viewset when first called: the retrieve
    serializer and queryset of the API, so one shape everywhere. (Set there, not in the
    app's api.register(): a Celery worker never loads the URLconf that calls that.)
    """

    type: str
    model: str
    label: str
    visible: Callable
    title: Callable = str
    url: Callable = field(default=lambda obj: obj.get_absolute_url())
    process: str | None = None
    order: int = 100
    represent: Callable | None = None


def represented_by(viewset_path):
    """A `RecordType.represent` for a record the API serves with that viewset
    ("accounts.api.AccountViewSet"): the viewset is imported on first use, so registering
    a record type loads no API code."""

    def represent(obj, *, user):
        from django.utils.module_loading import import_string

        from salesproc.api_support import represent_with

        return represent_with(import_string(viewset_path), obj, user=user)

    return represent


def register_record_type(record_type: RecordType):
    _replace(registry.record_types, record_type, lambda r: r.type)


def record_types_for(user=None):
    """Every registered record type in order; for a user, only those their role reaches."""
    types = sorted(registry.record_types, key=lambda r: (r.order, r.type))
    if user is None:
        return types
    return [r for r in types if r.process is None or user.runs(r.process)]


def record_type(type_name):
    """The RecordType named type_name ("deal"), or None."""
    for item in registry.record_types:
        if item.type == type_name:
            return item
    return None


def record_type_of(obj):
    """The RecordType of a model instance, or None when its kind is not registered."""
    label = obj._meta.label
    for item in registry.record_types:
        if item.model == label:
            return item
    return None


def get_record_for_user(type_name, record_id, user, *, for_write=False):
    """The record of that type and id if the user may see it; Http404 otherwise (an
    unknown type, a process the role does not run, a record of another team alike)."""
    from django.http import Http404

    from salesproc.access import get_visible_or_404

    item = record_type(type_name)
    if item is None or (item.process and not user.runs(item.process)):
        raise Http404("No such record.")
    return get_visible_or_404(item.visible(user), user, record_id, for_write=for_write)


@dataclass(frozen=True)
class SearchSource:
    """One kind of record in the global search (the header box, `/api/v1/search/`).

    search(*, user, query, limit) -> a list of dicts {"type", "id", "title", "subtitle",
    "url", "rank"} of records the user may see, best first, in a bounded number of
    queries. type matches a RecordType's.
    """

    type: str
    label: str  # plural, the group's heading: "Deals"
    search: Callable
    process: str | None = None
    order: int = 100


def register_search_source(source: SearchSource):
    _replace(registry.search_sources, source, lambda s: s.type)


def search_sources_for(user):
    return [
        s
        for s in sorted(registry.search_sources, key=lambda s: (s.order, s.type))
        if s.process is None or user.runs(s.process)
    ]


@dataclass(frozen=True)
class Picker:
    """A type-ahead choice of a record or a person on a form (salesproc.pickers).

    key: its name ("contact", "deal.open"); queryset(user) -> what it offers, only what
    the user may see (the form field validates the posted id against the same queryset);
    search(queryset, query, limit) -> the best matches, a list; label(obj) and
    detail(obj) -> the option's two lines; account_field: the account a record belongs
    to ("account_id"), for pickers narrowed to one account or listing its records first.
    """

    key: str
    queryset: Callable
    search: Callable
    label: Callable = str
    detail: Callable | None = None
    account_field: str | None = None


def register_picker(picker: Picker):
    _replace(registry.pickers, picker, lambda p: p.key)


def picker_for(key):
    for item in registry.pickers:
        if item.key == key:
            return item
    return None
