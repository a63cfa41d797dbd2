"""The recycle bin: what a user may bring back, restoring it, and purging what is due.

Apps register the kinds they bin (`salesproc.registry.Restorable`) from their ready();
this module imports no app. Who may restore a record: whoever may see it (its owner,
their manager, an admin), so `visible_to` on the model's `all_objects` decides.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from .access import get_visible_or_404
from .events import record_event
from .models import User
from .registry import Restorable, restorables_for
from .softdelete import (
    binned_required_links,
    purge_date,
    purge_due_before,
    take_out_of_bin,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BinEntry:
    type: str
    label: str
    id: int
    name: str
    deleted_at: datetime
    deleted_by: User | None
    purge_on: datetime


def _model(restorable: Restorable):
    return apps.get_model(restorable.model)


def restorable_named(type_name) -> Restorable:
    for restorable in restorables_for():
        if restorable.type == type_name:
            return restorable
    known = ", ".join(sorted(r.type for r in restorables_for()))
    raise ValidationError({"type": f"Unknown record type {type_name!r}: use one of {known}."})


def bin_entries(*, user: User) -> list[BinEntry]:
    """Everything in the bin this user may restore, most recently deleted first.

    One query per kind of record."""
    entries = []
    for restorable in restorables_for():
        queryset = (
            _model(restorable)
            .all_objects.dead()
            .visible_to(user)
            .select_related("deleted_by")
            .order_by("-deleted_at", "-pk")
        )
        for obj in queryset:
            entries.append(
                BinEntry(
                    type=restorable.type,
                    label=restorable.label,
                    id=obj.pk,
                    name=restorable.name(obj),
                    deleted_at=obj.deleted_at,
                    deleted_by=obj.deleted_by,
                    purge_on=purge_date(obj),
                )
            )
    entries.sort(key=lambda e: (e.deleted_at, e.id), reverse=True)
    return entries


def record_restore(*, actor: User, obj, restorable: Restorable) -> None:
    """The generic restore: take the record out of the bin, with everything it still has
    (a deal its stage history and line items: nothing was removed)."""
    take_out_of_bin(obj)
    record_event(
        subject=obj,
        name=f"{restorable.type}.restored",
        actor=actor,
        summary=f"{restorable.label} {restorable.name(obj)} restored from the recycle bin",
        data={"name": restorable.name(obj)},
    )


def record_purge(*, actor: User | None, obj, restorable: Restorable) -> None:
    """The generic purge: an event (the audit trail keeps it), then the hard delete, which
    cascades to what the record owns (a deal's stage history, line items, snapshots)."""
    record_event(
        subject=obj,
        name=f"{restorable.type}.purged",
        actor=actor,
        summary=f"{restorable.label} {restorable.name(obj)} purged from the recycle bin",
        data={"name": restorable.name(obj), "deleted_at": obj.deleted_at.isoformat()},
    )
    obj.delete()


@transaction.atomic
def recycle_bin_restore(*, actor: User, type: str, id) -> object:
    """Bring a binned record back. 404 for what the actor may not restore (or is not in
    the bin); 400 when a record it needs is itself in the bin."""
    restorable = restorable_named(type)
    obj = get_visible_or_404(_model(restorable).all_objects.dead(), actor, id, for_write=True)
    blocked_by = binned_required_links(obj)
    if blocked_by:
        target = blocked_by[0]
        raise ValidationError(
            {
                "id": f"Its {target._meta.verbose_name} “{target}” is in the recycle bin too: "
                "restore that first."
            }
        )
    (restorable.restore or _generic_restore(restorable))(actor=actor, obj=obj)
    return obj


def _generic_restore(restorable):
    return lambda *, actor, obj: record_restore(actor=actor, obj=obj, restorable=restorable)


def _generic_purge(restorable):
    return lambda *, actor, obj: record_purge(actor=actor, obj=obj, restorable=restorable)


def recycle_bin_purge_due(*, now=None) -> dict:
    """Hard delete what has been in the bin for RETENTION_DAYS, kind by kind in purge
    order (calls, leads, deals, contacts, accounts). A record still protected by a live
    one (an account whose deal came back, or whose binned deal is not due yet) waits for
    a later run. Returns {"purged": n, "waiting": n}. Safe to run twice: each record is
    claimed under a row lock and re-checked."""
    cutoff = purge_due_before(now)
    purged = waiting = 0
    for restorable in restorables_for():
        model = _model(restorable)
        due = model.all_objects.dead().filter(deleted_at__lt=cutoff)
        for pk in list(due.order_by("deleted_at", "pk").values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    obj = due.select_for_update().filter(pk=pk).first()
                    if obj is None:  # restored, or purged by another run, meanwhile
                        continue
                    (restorable.purge or _generic_purge(restorable))(actor=None, obj=obj)
                purged += 1
            except (ProtectedError, RestrictedError):
                waiting += 1
                log.info("recycle bin: %s %s waits, still referenced", restorable.type, pk)
    return {"purged": purged, "waiting": waiting}
