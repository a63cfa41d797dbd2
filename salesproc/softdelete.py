"""Soft delete: a deleted record goes to the recycle bin for RETENTION_DAYS, then is purged.

A model that can be binned inherits `SoftDeleteModel` and builds its managers with
`alive_manager(QuerySet)` / `all_manager(QuerySet)`:

    objects = alive_manager(DealQuerySet)      # the default manager: binned rows never show
    all_objects = all_manager(DealQuerySet)    # the bin, restore and purge read this one

Because `objects` is the default manager, every list, report, search, API viewset,
reverse relation (`account.deals`) and form choice leaves binned rows out without the
caller doing anything. Forward relations (`deal.account`) use Django's base manager,
which is not filtered, so a record keeps its link to a binned target, and model
validation of a foreign key (also the base manager) accepts an existing link.

Nothing here imports an app; apps register what can be restored in `salesproc.registry`.
"""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import models, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

RETENTION_DAYS = 30


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def dead(self):
        return self.filter(deleted_at__isnull=False)


class _AliveManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


def alive_manager(queryset_class):
    """The default manager of a soft-deletable model: only rows not in the bin."""
    return _AliveManager.from_queryset(queryset_class)()


def all_manager(queryset_class):
    """Every row, binned or not (the recycle bin, restore, purge)."""
    return models.Manager.from_queryset(queryset_class)()


class SoftDeleteModel(models.Model):
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    @property
    def is_binned(self):
        return self.deleted_at is not None


def purge_due_before(now=None):
    """Records binned before this moment have had their RETENTION_DAYS."""
    return (now or timezone.now()) - timedelta(days=RETENTION_DAYS)


def purge_date(obj):
    return obj.deleted_at + timedelta(days=RETENTION_DAYS) if obj.deleted_at else None


def move_to_bin(obj, *, actor):
    """Mark obj deleted (no row is removed; nothing that references it changes)."""
    obj.deleted_at = timezone.now()
    obj.deleted_by = actor if actor is not None and actor.is_authenticated else None
    obj.save(update_fields=["deleted_at", "deleted_by"])


def take_out_of_bin(obj):
    obj.deleted_at = None
    obj.deleted_by = None
    obj.save(update_fields=["deleted_at", "deleted_by"])


def _is_alive(obj):
    return getattr(obj, "deleted_at", None) is None


def protecting_records(obj) -> dict[str, int]:
    """Records that stop obj from being deleted (on_delete=PROTECT/RESTRICT), counted by
    kind: {"deal": 3}. Records that are themselves in the bin do not count: they keep
    their link and are purged first.

    Generic (Django's deletion collector), so an app need not know who points at it.
    """
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except ProtectedError as exc:
        blocking = exc.protected_objects
    except RestrictedError as exc:
        blocking = exc.restricted_objects
    else:
        return {}
    counts = Counter(str(record._meta.verbose_name) for record in blocking if _is_alive(record))
    return dict(sorted(counts.items()))


def describe_counts(counts: dict[str, int]) -> str:
    """{"deal": 3, "call": 1} -> '3 deals and 1 call'."""
    parts = []
    for name, n in counts.items():
        parts.append(f"{n} {name if n == 1 else _plural(name)}")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(name):
    return name[:-1] + "ies" if name.endswith("y") and name[-2:-1] not in "aeiou" else name + "s"


def binned_required_links(obj) -> list:
    """Required (non-null) links of obj to records in the bin: obj cannot come back alive
    while they are there (a deal without its account)."""
    found = []
    for field in obj._meta.concrete_fields:
        if not field.is_relation or not field.many_to_one or field.null:
            continue
        target = getattr(obj, field.name, None)  # the base manager: binned targets load
        if target is not None and hasattr(target, "deleted_at") and target.deleted_at:
            found.append(target)
    return found
