"""Starting and running a bulk job: one transaction per row, each through the app's service.

A selection of up to INLINE_LIMIT rows runs in the request; a larger one runs as a Celery
job (`run_bulk_job_task`, off the request in the embedded mode too) whose page shows the
progress. Running a job twice is safe: only the run that claims it works, and a row that
already has a result (saved in the same transaction as the row's change) is not run again.
"""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from salesproc.background import run_after_commit
from salesproc.models import User
from salesproc.registry import bulk_action, bulk_actions_for, bulk_list, record_type

from .models import BulkJob, BulkJobRow

log = logging.getLogger(__name__)

INLINE_LIMIT = 200
MAX_ROWS = 10_000
CHUNK = 25
STALE_AFTER = timedelta(minutes=2)
NOT_FOUND = "Not found, or not yours to change."


def _record_type_for(actor, type_name):
    item = record_type(type_name)
    if item is None or bulk_list(type_name) is None:
        raise ValidationError({"record_type": f"“{type_name}” has no bulk actions."})
    if item.process and not actor.runs(item.process):
        raise ValidationError({"record_type": "Your role does not work with these records."})
    return item


def clean_params(action, actor, data):
    """The action's parameters cleaned by its form: (raw data to store, cleaned_data)."""
    if action.form is None:
        return {}, {}
    form = action.form(data=data or {}, user=actor)
    if not form.is_valid():
        raise ValidationError(
            {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        )
    raw = {name: data.get(name) for name in form.fields if data.get(name) not in (None, "")}
    return raw, form.cleaned_data


def _selected_ids(ids):
    if not isinstance(ids, list | tuple):
        raise ValidationError({"ids": "Send a list of record ids."})
    try:
        clean = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise ValidationError({"ids": "Every id must be a whole number."})
    if any(i <= 0 for i in clean):
        raise ValidationError({"ids": "Every id must be a whole number."})
    return list(dict.fromkeys(clean))


def bulk_job_start(
    *,
    actor: User,
    record_type: str,
    action: str,
    ids=None,
    filter=None,
    params=None,
    return_url: str = "",
) -> BulkJob:
    """Check the request and record the job; run it now (up to INLINE_LIMIT rows) or queue
    it. `ids` lists the selected rows; `filter` (the list's GET parameters) selects every
    row the list shows for it. Bad input raises ValidationError with field errors."""
    item = _record_type_for(actor, record_type)
    act = bulk_action(record_type, action)
    if act is None:
        keys = ", ".join(a.key for a in bulk_actions_for(record_type))
        raise ValidationError({"action": f"Unknown action “{action}”. Choose one of: {keys}."})
    raw, _ = clean_params(act, actor, params)
    if ids is None and filter is None:
        raise ValidationError({"ids": "Select at least one row, or send a filter."})
    if ids is not None:
        selected = _selected_ids(ids)
    else:
        if not isinstance(filter, dict):
            raise ValidationError({"filter": "Send the list's filters as an object."})
        qs = bulk_list(record_type).filtered(user=actor, params=filter)
        selected = list(qs.values_list("pk", flat=True)[: MAX_ROWS + 1])
    if not selected:
        raise ValidationError({"ids": "Select at least one row."})
    if len(selected) > MAX_ROWS:
        raise ValidationError(
            {"ids": f"Select at most {MAX_ROWS:,} rows at a time: narrow the filter."}
        )
    job = BulkJob.objects.create(
        actor=actor,
        record_type=item.type,
        action=act.key,
        label=act.label,
        params=raw,
        ids=selected,
        total=len(selected),
        return_url=return_url[:500],
    )
    if len(selected) <= INLINE_LIMIT:
        bulk_job_run(job_id=job.pk)
        job.refresh_from_db()
    else:
        from .tasks import run_bulk_job_task

        run_after_commit(run_bulk_job_task, job.pk)
    return job


def _claim(job_id):
    now = timezone.now()
    return BulkJob.objects.filter(
        Q(state=BulkJob.State.QUEUED)
        | Q(state=BulkJob.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER),
        pk=job_id,
    ).update(state=BulkJob.State.RUNNING, heartbeat_at=now)


def _reason(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)[:500]
    if isinstance(exc, Http404):
        return NOT_FOUND
    return (str(exc) or "You may not change this record.")[:500]


def _counts(job):
    counts = job.rows.aggregate(
        processed=Count("id"),
        changed=Count("id", filter=Q(outcome=BulkJobRow.Outcome.CHANGED)),
        skipped=Count("id", filter=Q(outcome=BulkJobRow.Outcome.SKIPPED)),
    )
    BulkJob.objects.filter(pk=job.pk).update(**counts, heartbeat_at=timezone.now())


def _run_row(job, act, item, params, pk, record):
    if record is None:
        BulkJobRow.objects.create(
            job=job, record_id=pk, outcome=BulkJobRow.Outcome.SKIPPED, reason=NOT_FOUND
        )
        return
    title = str(item.title(record))[:200]
    url = item.url(record)[:300]
    try:
        with transaction.atomic():
            act.run(actor=job.actor, record=record, params=params)
            BulkJobRow.objects.create(
                job=job, record_id=pk, title=title, url=url, outcome=BulkJobRow.Outcome.CHANGED
            )
    except (ValidationError, PermissionDenied, Http404) as exc:
        BulkJobRow.objects.create(
            job=job,
            record_id=pk,
            title=title,
            url=url,
            outcome=BulkJobRow.Outcome.SKIPPED,
            reason=_reason(exc),
        )


def bulk_job_run(*, job_id: int) -> BulkJob | None:
    """Run a queued job row by row. Safe to run twice (see the module's docstring)."""
    if not _claim(job_id):
        return None
    job = BulkJob.objects.select_related("actor").get(pk=job_id)
    act = bulk_action(job.record_type, job.action)
    item = record_type(job.record_type)
    try:
        if act is None or item is None:
            raise ValidationError("This action is no longer offered.")
        _, params = clean_params(act, job.actor, job.params)
    except ValidationError as exc:  # e.g. the new owner was deactivated since
        BulkJob.objects.filter(pk=job.pk).update(
            state=BulkJob.State.FAILED, error=_reason(exc), finished_at=timezone.now()
        )
        return job
    seen = set(job.rows.values_list("record_id", flat=True))
    todo = [pk for pk in job.ids if pk not in seen]
    visible = item.visible(job.actor)
    try:
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            records = visible.in_bulk(chunk)
            for pk in chunk:
                _run_row(job, act, item, params, pk, records.get(pk))
            _counts(job)
    except Exception as exc:
        log.exception("bulk job %s failed", job.pk)
        _counts(job)
        BulkJob.objects.filter(pk=job.pk).update(
            state=BulkJob.State.FAILED,
            error=f"Stopped by an unexpected error ({type(exc).__name__}).",
            finished_at=timezone.now(),
        )
        return job
    BulkJob.objects.filter(pk=job.pk).update(state=BulkJob.State.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job
