"""Handing a person's open records to someone else, kind by kind, as a job.

salesproc imports no app: each app registers an `OwnedRecords` (registry) whose
reassign function uses `reassign_owned` below. The job runs in Celery (eagerly in
embedded mode) and is safe to run twice: it claims the handover with a conditional
update, and each kind moves only what the old owner still has open.
"""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .background import run_after_commit
from .events import record_events_bulk
from .models import RecordHandover, User
from .registry import owned_records_for

logger = logging.getLogger(__name__)
BATCH = 200


def open_record_counts(user):
    """[{key, label, count}] of the user's open records, kind by kind."""
    return [
        {"key": kind.key, "label": kind.label, "count": kind.count_open(user)}
        for kind in owned_records_for()
    ]


def reassign_owned(queryset, *, from_user, to_user, actor, event_name, bump_version=False):
    """Give every record of `queryset` owned by from_user to to_user, in batches, one
    event per record ("<kind>.reassigned"). Returns how many moved."""
    moved = 0
    while True:
        with transaction.atomic():
            rows = queryset.filter(owner=from_user).select_related(None)
            batch = list(rows.select_for_update(of=("self",))[:BATCH])
            if not batch:
                return moved
            update = {"owner": to_user}
            if bump_version:
                update["version"] = F("version") + 1
            if any(f.name == "updated_at" for f in queryset.model._meta.fields):
                update["updated_at"] = timezone.now()
            queryset.model.objects.filter(pk__in=[r.pk for r in batch]).update(**update)
            record_events_bulk(
                subjects=batch,
                name=event_name,
                actor=actor,
                summary=f"Owner changed from {from_user.display_name} to {to_user.display_name}",
                data={"owner": [from_user.display_name, to_user.display_name], "handover": True},
            )
            moved += len(batch)


@transaction.atomic
def handover_start(*, actor: User, from_user: User, to_user: User, reason: str = ""):
    """Queue the handover of from_user's open records to to_user."""
    if to_user.pk == from_user.pk:
        raise ValidationError({"reassign_to": "Choose someone else to take the records."})
    if not to_user.is_active:
        raise ValidationError({"reassign_to": f"{to_user.display_name} is deactivated."})
    counts = open_record_counts(from_user)
    handover = RecordHandover.objects.create(
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        reason=reason[:120],
        total=sum(c["count"] for c in counts),
    )
    run_after_commit(reassign_records_task, handover.pk)
    return handover


def handover_run(*, handover_id: int):
    claimed = RecordHandover.objects.filter(
        pk=handover_id, status=RecordHandover.Status.PENDING
    ).update(status=RecordHandover.Status.RUNNING)
    if not claimed:
        return None
    handover = RecordHandover.objects.select_related("from_user", "to_user", "actor").get(
        pk=handover_id
    )
    try:
        for kind in owned_records_for():
            moved = kind.reassign_open(
                from_user=handover.from_user, to_user=handover.to_user, actor=handover.actor
            )
            handover.counts[kind.key] = moved
            RecordHandover.objects.filter(pk=handover.pk).update(
                done=F("done") + moved, counts=handover.counts
            )
    except Exception as exc:
        logger.exception("handover %s failed", handover_id)
        RecordHandover.objects.filter(pk=handover.pk).update(
            status=RecordHandover.Status.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:300],
            finished_at=timezone.now(),
        )
        raise
    RecordHandover.objects.filter(pk=handover.pk).update(
        status=RecordHandover.Status.DONE, finished_at=timezone.now()
    )
    return handover


@shared_task(name="salesproc.handover.reassign_records_task")
def reassign_records_task(handover_id):
    handover_run(handover_id=handover_id)
