"""Running an import: queue, claim, and import the file batch by batch.

A task streams the file and imports it in batches of BATCH_SIZE rows, each batch one
transaction: one query finds the batch's existing leads, new ones are bulk-created,
changed ones bulk-updated, events and per-row results bulk-inserted, and the job's
progress and heartbeat move once. Each row is all-or-nothing: created, updated,
unchanged or rejected with a reason. Importing the same file twice creates nothing new.

Duplicates inside a file: the first row with an email is imported, later rows with the
same email are rejected ("same email as row N"), and the report says so.

A worker killed mid-import stops the heartbeat; after STALE_AFTER the beat's sweep
enqueues the job again and the run that claims it resumes after the last row that has
a result."""

import csv
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, reset_queries, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from leads import scoring
from leads.fields import PROFILE_FIELDS
from leads.intake.models import (
    IMPORT_STALE_AFTER,
    ImportJob,
    ImportRowResult,
)
from leads.intake.values import NOTES, clean_lead_values
from leads.models import Lead, Qualification
from leads.services.criteria import criteria_in_force
from salesproc.background import run_in_background
from salesproc.bulk import bulk_insert, bulk_update, insert_rows
from salesproc.events import acting_via, record_event, record_events_bulk
from salesproc.models import User, visible_owner_ids
from salesproc.notes.services import notes_import

from . import matching
from .mapping import check_mapping
from .matching import (
    duplicate_reason,
    fields_of,
    find_existing,
    mapping_items,
    refusal_for,
    row_key,
    row_values,
)
from .reading import iter_records

log = logging.getLogger(__name__)


STALE_AFTER = IMPORT_STALE_AFTER


@transaction.atomic
def import_job_start(*, actor: User, job: ImportJob, enqueue: bool = True) -> ImportJob:
    """Queue the import; a task runs it. Starting twice queues it once.

    `enqueue=False` leaves the queued job to the caller (the benchmark runs it in-process).
    """
    check_mapping(job.headers, job.mapping)
    now = timezone.now()
    started = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.DRAFT).update(
        state=ImportJob.State.QUEUED, queued_at=now
    )
    job.refresh_from_db()
    if started:
        record_event(
            subject=job,
            name="lead_import.queued",
            actor=actor,
            summary=f"Import of {job.original_name} queued",
            data={"mapping": job.mapping, "owner": job.owner_id, "source": job.source},
        )
        if enqueue:
            transaction.on_commit(lambda: enqueue_import(job.pk))
    return job


def enqueue_import(job_id):
    from leads.tasks import run_lead_import_task

    try:
        run_in_background(run_lead_import_task, job_id)
    except Exception:  # broker down: the job stays queued and the sweep enqueues it again
        log.warning("could not enqueue lead import %s", job_id, exc_info=True)


def _claim(job_id):
    """Queued -> running; also takes over a run whose worker stopped sending heartbeats."""
    now = timezone.now()
    return ImportJob.objects.filter(
        Q(state=ImportJob.State.QUEUED)
        | Q(state=ImportJob.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER),
        pk=job_id,
    ).update(
        state=ImportJob.State.RUNNING,
        started_at=Coalesce(F("started_at"), now),
        heartbeat_at=now,
    )


@dataclass
class _Context:
    job: ImportJob
    actor: User
    criteria: object
    visible: set | None
    now: object = None


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Import a queued job's file, batch by batch. Safe to run twice.

    A second run while the first is alive does nothing; a run taking over a dead one
    resumes after the last row that has a result.
    """
    if not _claim(job_id):
        return None
    job = ImportJob.objects.select_related("created_by", "owner").get(pk=job_id)
    try:
        with acting_via("import"):
            _run(job)
    except Exception as exc:
        log.exception("lead import %s failed", job_id)
        message = str(exc) if isinstance(exc, (ValidationError, csv.Error, OSError)) else ""
        if isinstance(exc, ValidationError):
            message = " ".join(exc.messages)
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED,
            error=(
                "The import stopped: " + (message or "an unexpected error; see the server log.")
            )[:2000],
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def _run(job):
    try:
        raw = job.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise ValidationError("The uploaded file is no longer on the server; upload it again.")
    try:
        if job.total is None:
            total = sum(1 for _ in iter_records(job, fileobj=raw))
            ImportJob.objects.filter(pk=job.pk).update(total=total, heartbeat_at=timezone.now())
            job.total = total
        done_up_to = job.rows.aggregate(m=Max("row_number"))["m"] or 0
        criteria = criteria_in_force()
        context = _Context(
            job=job,
            actor=job.created_by,
            criteria=criteria if len(criteria) else None,
            visible=visible_owner_ids(job.created_by),
        )
        items = mapping_items(job)
        seen = {}
        batch = []
        for row_number, cells in iter_records(job, fileobj=raw):
            data, problems = clean_lead_values(row_values(items, cells))
            if not problems:
                key = row_key(data)
                first = seen.get(key)
                if first is not None:
                    problems = [duplicate_reason(data, first)]
                else:
                    seen[key] = row_number
            if row_number <= done_up_to:
                continue  # imported by an earlier run; still counted for duplicates
            batch.append((row_number, data, problems))
            if len(batch) >= matching.BATCH_SIZE:
                _import_batch(context, batch)
                batch = []
        if batch:
            _import_batch(context, batch)
    finally:
        raw.close()
    with transaction.atomic():
        finished = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
            state=ImportJob.State.DONE, finished_at=timezone.now(), error=""
        )
        if finished:
            job.refresh_from_db()
            record_event(
                subject=job,
                name="lead_import.finished",
                actor=job.created_by,
                summary=f"Imported {job.original_name}: {job.created} created, "
                f"{job.updated} updated, {job.unchanged} unchanged, {job.rejected} rejected",
                data={
                    "created": job.created,
                    "updated": job.updated,
                    "unchanged": job.unchanged,
                    "rejected": job.rejected,
                },
            )


def _import_batch(context, batch):
    """One transaction for the batch; if the database refuses it, row by row."""
    reset_queries()  # with DEBUG on, Django keeps every SQL string: 100 MB over 100,000 rows
    try:
        with transaction.atomic():
            _fast_commit()
            _write_batch(context, batch)
    except DatabaseError:
        log.warning("batch of import %s failed; retrying row by row", context.job.pk, exc_info=True)
        for row in batch:
            try:
                with transaction.atomic():
                    _write_batch(context, [row])
            except DatabaseError as exc:
                with transaction.atomic():
                    _write_batch(
                        context,
                        [(row[0], row[1], [f"The database refused this row: {exc}"[:290]])],
                    )


def _fast_commit():
    """Don't wait for the disk at each batch's commit (PostgreSQL).

    A crash may lose the last batches; their progress goes with them (same transaction),
    so the run that takes over imports them again.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _new_qualification(context, lead, fields):
    """The working qualification lead_apply_profile_rules gives a new lead, as columns."""
    criteria = context.criteria
    if criteria is None:
        return None
    rescored = scoring.profile_rescore(criteria, fields)
    if not rescored.rule_answers:
        return None
    result = rescored.result
    lead.score = result.score
    return {
        "version_id": criteria.version_id,
        "answers": rescored.stored_answers(),
        "results": result.results_json(),
        "score": result.score,
        "verdict": result.verdict,
    }


def rescore_from_profile(criteria, leads):
    """lead_apply_profile_rules for many leads in two queries (imports update thousands).

    Same rules: start from the working qualification's answers (else the last decided
    one's), replace the profile-rule answers, drop rule answers the fields no longer
    decide, save the working qualification and move lead.score. Returns the leads whose
    score changed as (lead, score before); the caller saves lead.score.
    """
    if criteria is None or not leads:
        return []
    ids = [lead.pk for lead in leads]
    working = {
        q.lead_id: q for q in Qualification.objects.filter(lead_id__in=ids, decided_at__isnull=True)
    }
    latest = {}
    without_working = [pk for pk in ids if pk not in working]
    if without_working:
        for q in (
            Qualification.objects.filter(lead_id__in=without_working, decided_at__isnull=False)
            .order_by("lead_id", "-decided_at", "-id")
            .only("id", "lead_id", "answers")
        ):
            latest.setdefault(q.lead_id, q)
    to_create, to_update, scored = [], [], []
    for lead in leads:
        current = working.get(lead.pk)
        rescored = scoring.profile_rescore(
            criteria, fields_of(lead), working=current, latest=latest.get(lead.pk)
        )
        rule_answers, result = rescored.rule_answers, rescored.result
        stored = rescored.stored_answers()
        if current is None:
            if not rule_answers and lead.score is None:
                continue
            current = Qualification(lead=lead)
            to_create.append(current)
        elif (
            current.version_id == criteria.version_id
            and current.answers == stored
            and lead.score == result.score
        ):
            continue
        else:
            to_update.append(current)
        current.version_id = criteria.version_id
        current.answers = stored
        current.results = result.results_json()
        current.score = result.score
        current.verdict = result.verdict
        if lead.score != result.score:
            scored.append((lead, lead.score))
            lead.score = result.score
    bulk_insert(Qualification, to_create)
    bulk_update(Qualification, to_update, ["version", "answers", "results", "score", "verdict"])
    return scored


def _result(job, row_number, outcome, reason="", lead_id=None):
    return {
        "job_id": job.pk,
        "row_number": row_number,
        "outcome": outcome,
        "reason": reason,
        "lead_id": lead_id,
    }


def _write_batch(context, batch):
    job, now = context.job, timezone.now()
    valid = [(row_number, data) for row_number, data, problems in batch if not problems]
    existing = find_existing(valid)
    results, new_leads, new_rows, qualifications = [], [], [], []
    changed, changes_by_lead, rescore = [], {}, []
    changed_fields = set()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    notes = []  # (lead, text): a "Notes" column becomes a note on its lead
    for row_number, data, problems in batch:
        if problems:
            results.append(_result(job, row_number, "rejected", " ".join(problems)[:300]))
            counts["rejected"] += 1
            continue
        data = dict(data)
        note_text = data.pop(NOTES, "")
        lead = existing.get(row_key(data))
        if lead is None:
            fields = dict(data)
            fields["source"] = fields.get("source") or job.source
            lead = Lead(
                **fields,
                owner_id=job.owner_id,
                status=Lead.Status.NEW,
                created_at=now,
                updated_at=now,
            )
            qualifications.append(_new_qualification(context, lead, fields))
            new_leads.append(lead)
            new_rows.append(row_number)
            counts["created"] += 1
            if note_text:
                notes.append((lead, note_text))
            continue
        refusal = refusal_for(lead, context.visible)
        if refusal:
            results.append(_result(job, row_number, "rejected", refusal))
            counts["rejected"] += 1
            continue
        diff = {}
        for name, value in data.items():
            before = getattr(lead, name)
            if before != value:
                diff[name] = [before, value]
                setattr(lead, name, value)
        outcome = "updated" if diff else "unchanged"
        if note_text:
            notes.append((lead, note_text))
        if diff:
            lead.updated_at = now
            changed.append(lead)
            changed_fields.update(diff)
            changes_by_lead[lead.pk] = diff
            if PROFILE_FIELDS & set(diff):
                rescore.append(lead)
        counts[outcome] += 1
        results.append(_result(job, row_number, outcome, lead_id=lead.pk))
    if new_leads:
        bulk_insert(Lead, new_leads)
        results.extend(
            _result(job, row_number, "created", lead_id=lead.pk)
            for row_number, lead in zip(new_rows, new_leads, strict=True)
        )
        insert_rows(
            Qualification,
            [
                {**columns, "lead_id": lead.pk}
                for lead, columns in zip(new_leads, qualifications, strict=True)
                if columns is not None
            ],
        )
        record_events_bulk(
            subjects=new_leads,
            name="lead.created",
            actor=context.actor,
            summary=f"Lead imported from {job.original_name}",
            data=lambda lead: {
                "owner": lead.owner_id,
                "source": lead.source,
                "import": job.pk,
                "score": lead.score,
            },
        )
    if changed:
        scored = rescore_from_profile(context.criteria, rescore)
        update_fields = [*sorted(changed_fields), "updated_at"] + (["score"] if scored else [])
        bulk_update(Lead, changed, update_fields)
        record_events_bulk(
            subjects=changed,
            name="lead.updated",
            actor=context.actor,
            summary=f"Updated from the import of {job.original_name}",
            data=lambda lead: {"changes": changes_by_lead[lead.pk], "import": job.pk},
        )
        if scored:
            score_before = {lead.pk: before for lead, before in scored}
            record_events_bulk(
                subjects=[lead for lead, _ in scored],
                name="lead.scored",
                actor=context.actor,
                summary="Score from the lead's profile",
                data=lambda lead: {"score": [score_before[lead.pk], lead.score]},
            )
    if notes:
        notes_import(
            actor=context.actor,
            record_type="lead",
            items=[(lead, text) for lead, text in notes],
            summary=f"Note imported from {job.original_name}",
        )
    results.sort(key=lambda r: r["row_number"])
    insert_rows(ImportRowResult, results)
    ImportJob.objects.filter(pk=job.pk).update(
        processed=F("processed") + len(batch),
        created=F("created") + counts["created"],
        updated=F("updated") + counts["updated"],
        unchanged=F("unchanged") + counts["unchanged"],
        rejected=F("rejected") + counts["rejected"],
        heartbeat_at=timezone.now(),
    )
