"""CSV import of leads: upload, map columns, preview, import in batches, report.

The upload is stored on disk (MEDIA_ROOT) with an ImportJob row; a task streams the
file and imports it in batches of BATCH_SIZE rows, each batch one transaction: one
query finds the batch's existing leads, new ones are bulk-created, changed ones
bulk-updated, events and per-row results bulk-inserted, and the job's progress moves
once. Each row is all-or-nothing: it is created, updated, unchanged or rejected with a
reason. Matching is by email (or by name and company for rows without an email), so
importing the same file twice creates nothing new.

Duplicates inside a file: the first row with an email is imported, later rows with the
same email are rejected ("same email as row N"), and the report says so.
"""

import codecs
import csv
import io
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, reset_queries, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from salesproc.events import acting_via, record_event, record_events_bulk
from salesproc.models import User, visible_owner_ids
from salesproc.processes import LEADS
from salesproc.services import check_owner

from . import scoring, selectors
from .fields import PROFILE_FIELDS
from .intake import (
    FIELD_LABELS,
    FULL_NAME,
    clean_lead_values,
    guess_field,
    lock_emails,
)
from .models import Lead, Qualification
from .models_intake import (
    IMPORT_STALE_AFTER,
    INTAKE_LEAD_FIELD_NAMES,
    ImportJob,
    ImportRowResult,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
PREVIEW_ROWS = 10
MAPPABLE_FIELDS = [*INTAKE_LEAD_FIELD_NAMES, FULL_NAME, "source"]
STALE_AFTER = IMPORT_STALE_AFTER
# Leads are loaded with just what an import compares and updates.
LOAD_FIELDS = ["id", "owner", "status", *INTAKE_LEAD_FIELD_NAMES, "source", "score"]

NOT_TEXT = (
    "The file is not UTF-8 or Latin-1 text. Save it from your spreadsheet as "
    "“CSV UTF-8 (comma delimited)” and upload it again."
)
ENCODING_LABELS = {"utf-8-sig": "UTF-8", "cp1252": "Latin-1 (Windows)", "latin-1": "Latin-1"}
# Bytes that never appear in a text file (tab, newlines and form feed excepted).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def max_import_bytes():
    return getattr(settings, "LEAD_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


# -- reading the file ------------------------------------------------------------------


def detect_encoding(fileobj) -> str:
    """'utf-8-sig', 'cp1252' or 'latin-1' for a binary file; ValidationError otherwise.

    Reads the whole file in chunks (the size limit bounds it): a byte that is not UTF-8
    may sit on the last line.
    """
    fileobj.seek(0)
    head = fileobj.read(4)
    if not head:
        raise ValidationError({"file": "The file is empty."})
    if head.startswith(b"PK\x03\x04"):
        raise ValidationError(
            {
                "file": "This is a spreadsheet workbook, not a CSV file. Save it as CSV and "
                "upload that."
            }
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValidationError({"file": NOT_TEXT})
    fileobj.seek(0)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    is_utf8 = is_cp1252 = True
    control = 0
    for chunk in iter(lambda: fileobj.read(1 << 20), b""):
        if b"\x00" in chunk:
            raise ValidationError({"file": NOT_TEXT})
        control += len(chunk.translate(None, _NOT_CONTROL))
        if is_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
        if not is_utf8 and is_cp1252:
            try:
                cp1252.decode(chunk)
            except UnicodeDecodeError:
                is_cp1252 = False
    size = fileobj.tell() or 1
    if control > max(2, size // 1000):
        raise ValidationError({"file": NOT_TEXT})
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if is_cp1252 and not is_utf8:
        # cp1252 was only tried from the chunk where UTF-8 failed: check the whole file.
        fileobj.seek(0)
        try:
            for chunk in iter(lambda: fileobj.read(1 << 20), b""):
                cp1252.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"


def _open_text(fileobj, encoding):
    """A text view of a binary file (Django's File wraps the real one in .file)."""
    binary = getattr(fileobj, "file", fileobj)
    binary.seek(0)
    return io.TextIOWrapper(binary, encoding=encoding, newline="", errors="strict")


def _detect_delimiter(first_line: str) -> str:
    """The delimiter that splits the header into the most columns (',' on a tie)."""
    best, best_count = ",", 1
    for candidate in (",", ";", "\t", "|"):
        try:
            count = len(next(csv.reader([first_line], delimiter=candidate)))
        except (csv.Error, StopIteration):
            continue
        if count > best_count:
            best, best_count = candidate, count
    return best


def _headers(cells):
    headers, seen = [], set()
    for index, cell in enumerate(cells):
        name = " ".join(str(cell).split()) or f"Column {index + 1}"
        base, n = name, 2
        while name in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name)
        headers.append(name)
    return headers


def _is_blank(cells):
    return not any(cell.strip() for cell in cells)


def iter_records(job, *, fileobj=None):
    """(row number, cells) for each non-blank row under the header; row 1 is the header."""
    own = fileobj is None
    raw = job.file.open("rb") if own else fileobj
    text = _open_text(raw, job.encoding)
    try:
        reader = csv.reader(text, delimiter=job.delimiter)
        next(reader, None)
        for index, cells in enumerate(reader, start=2):
            if cells and not _is_blank(cells):
                yield index, cells
    finally:
        text.detach()
        if own:
            raw.close()


# -- mapping ---------------------------------------------------------------------------


def guess_mapping(headers) -> list[str]:
    """Per column, the lead field its header most likely means ('' when unsure or taken)."""
    mapping, taken = [], set()
    for header in headers:
        field_name = guess_field(header) or ""
        if field_name in taken:
            field_name = ""
        if field_name:
            taken.add(field_name)
        mapping.append(field_name)
    if FULL_NAME in taken and {"first_name", "last_name"} & taken:
        mapping = ["" if f == FULL_NAME else f for f in mapping]
    return mapping


def mapping_from_columns(headers, columns: dict) -> list[str]:
    """{header: field} (as the API takes it) -> per-column list; unknown headers rejected."""
    index = {name: i for i, name in reversed(list(enumerate(headers)))}
    mapping = [""] * len(headers)
    unknown = []
    for header, field_name in (columns or {}).items():
        if header not in index:
            unknown.append(header)
            continue
        mapping[index[header]] = field_name or ""
    if unknown:
        raise ValidationError(
            {
                "mapping": "No column named "
                + ", ".join(f"“{h}”" for h in unknown)
                + " in the file. Its columns are: "
                + ", ".join(headers)
                + "."
            }
        )
    return mapping


def check_mapping(headers, mapping) -> list[str]:
    """The mapping as stored, or ValidationError saying what is missing or doubled."""
    if not isinstance(mapping, list) or len(mapping) != len(headers):
        raise ValidationError({"mapping": "Give one field (or none) for every column."})
    mapping = [str(m or "") for m in mapping]
    errors = []
    unknown = sorted({m for m in mapping if m and m not in MAPPABLE_FIELDS})
    if unknown:
        errors.append("Not lead fields: " + ", ".join(unknown) + ".")
    for name in MAPPABLE_FIELDS:
        columns = [headers[i] for i, m in enumerate(mapping) if m == name]
        if len(columns) > 1:
            errors.append(
                f"{FIELD_LABELS[name]} is chosen for {len(columns)} columns ("
                + ", ".join(columns)
                + "): choose it once."
            )
    mapped = set(mapping)
    if "last_name" not in mapped and FULL_NAME not in mapped:
        errors.append("Choose the column with the last name (or the full name).")
    if "email" not in mapped and "company_name" not in mapped:
        errors.append("Choose the column with the email or the company: a lead needs one.")
    if errors:
        raise ValidationError({"mapping": errors})
    return mapping


# -- step 1: upload --------------------------------------------------------------------


def _check_importer(actor):
    if actor is None or not actor.runs(LEADS):
        raise ValidationError(
            "Importing leads is part of lead qualification, which your role does not run."
        )


def _check_import_owner(actor, owner):
    """Who may own imported leads: the one rule, salesproc.services.check_owner, in the
    words of the import page."""
    if owner is None:
        raise ValidationError({"owner": "Choose who owns the imported leads."})
    try:
        check_owner(actor=actor, owner=owner, records="imported leads")
    except ValidationError:
        if actor.is_crm_admin or actor.is_manager:
            raise ValidationError({"owner": "Choose someone in your team."})
        raise ValidationError(
            {
                "owner": "Imported leads are yours; only a manager or an admin can give them "
                "to someone else."
            }
        )


@transaction.atomic
def import_job_create(
    *, actor: User, upload, owner: User | None = None, source: str = ""
) -> ImportJob:
    """Store an uploaded CSV and read its header; the import waits for a mapping."""
    _check_importer(actor)
    owner = owner or actor
    _check_import_owner(actor, owner)
    size = upload.size
    if size > max_import_bytes():
        raise ValidationError(
            {
                "file": f"The file is {_megabytes(size)}; the limit is "
                f"{_megabytes(max_import_bytes())}. Split it into smaller files."
            }
        )
    encoding = detect_encoding(upload)
    text = _open_text(upload, encoding)
    try:
        first_line = text.readline()
        text.seek(0)
        delimiter = _detect_delimiter(first_line)
        reader = csv.reader(text, delimiter=delimiter)
        header = next(reader, None)
        first_row = next((cells for cells in reader if cells and not _is_blank(cells)), None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ValidationError({"file": f"The file could not be read as CSV: {exc}."})
    finally:
        text.detach()
    if not header or _is_blank(header):
        raise ValidationError({"file": "The first row should name the columns; it is empty."})
    if first_row is None:
        raise ValidationError({"file": "The file has a header row but no leads under it."})
    headers = _headers(header)
    job = ImportJob(
        original_name=(upload.name or "leads.csv")[:255],
        size_bytes=size,
        encoding=encoding,
        delimiter=delimiter,
        headers=headers,
        mapping=guess_mapping(headers),
        source=(source or "").strip()[:50] or "CSV import",
        created_by=actor,
        owner=owner,
    )
    upload.seek(0)
    job.file.save(job.original_name, upload, save=False)
    job.save()
    record_event(
        subject=job,
        name="lead_import.uploaded",
        actor=actor,
        summary=f"Uploaded {job.original_name} ({len(headers)} columns)",
        data={"encoding": encoding, "delimiter": delimiter, "size": size},
    )
    return job


# -- step 2: mapping -------------------------------------------------------------------


def _check_draft(job):
    if job.state != ImportJob.State.DRAFT:
        raise ValidationError(
            "This import has already started; upload the file again to change it."
        )


@transaction.atomic
def import_job_set_mapping(
    *,
    actor: User,
    job: ImportJob,
    mapping: list,
    owner: User | None = None,
    source: str | None = None,
) -> ImportJob:
    """Which column fills which lead field, who owns the leads, and their source label."""
    _check_draft(job)
    job.mapping = check_mapping(job.headers, mapping)
    if owner is not None and owner.pk != job.owner_id:
        _check_import_owner(actor, owner)
        job.owner = owner
    if source is not None:
        job.source = source.strip()[:50] or "CSV import"
    job.save(update_fields=["mapping", "owner", "source"])
    return job


def sample_values(job, *, rows=3):
    """Per column, the first few non-empty values (shown beside the mapping)."""
    samples = [[] for _ in job.headers]
    for count, (_, cells) in enumerate(iter_records(job)):
        for i, cell in enumerate(cells[: len(samples)]):
            if cell.strip() and len(samples[i]) < rows:
                samples[i].append(cell.strip()[:60])
        if count >= 20 or all(len(s) >= rows for s in samples):
            break
    return samples


# -- step 3: preview -------------------------------------------------------------------


@dataclass
class PreviewRow:
    row_number: int
    values: dict
    problems: list = field(default_factory=list)
    action: str = ""  # new / update / unchanged / rejected
    closed_lead: bool = False  # matches a converted or disqualified lead


def _row_values(mapping_items, cells):
    return {name: cells[i] for i, name in mapping_items if i < len(cells)}


def _mapping_items(job):
    return [(i, name) for i, name in enumerate(job.mapping) if name]


def _row_key(data):
    """What makes two rows the same lead: the email, else name and company."""
    if data.get("email"):
        return data["email"]
    return (
        "~",
        data.get("last_name", "").lower(),
        data.get("first_name", "").lower(),
        data.get("company_name", "").lower(),
    )


def _duplicate_reason(data, first_row):
    if data.get("email"):
        return f"Same email as row {first_row}: only the first row with an email is imported."
    return f"Same name and company as row {first_row}: only the first is imported."


def _classify(rows, visible):
    """Set each valid row's action from the leads already in the CRM (one query per call)."""
    valid = [(r.row_number, r.values) for r in rows if not r.problems]
    existing = _find_existing(valid, lock=False) if valid else {}
    for row in rows:
        lead = None if row.problems else existing.get(_row_key(row.values))
        if lead is None:
            continue
        refusal = _refusal(lead, visible)
        if refusal:
            row.action = "rejected"
            row.problems = [refusal]
            row.closed_lead = refusal != ANOTHER_OWNER
        elif any(getattr(lead, name) != value for name, value in row.values.items()):
            row.action = "update"
        else:
            row.action = "unchanged"


@dataclass
class ImportPreview:
    """The first rows as they will be imported, and what will happen to the whole file."""

    rows: list
    total: int = 0
    new: int = 0
    update: int = 0
    unchanged: int = 0
    rejected: int = 0
    converted: int = 0  # rows matching a converted or disqualified lead (also rejected)


def import_job_preview_summary(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> ImportPreview:
    """Every row checked as the run will check it (batch by batch); the first `limit` kept."""
    items = _mapping_items(job)
    visible = visible_owner_ids(job.created_by)
    preview = ImportPreview(rows=[])
    seen, batch = {}, []

    def flush():
        _classify(batch, visible)
        for row in batch:
            setattr(preview, row.action, getattr(preview, row.action) + 1)
            preview.converted += row.closed_lead
        batch.clear()

    for row_number, cells in iter_records(job):
        data, problems = clean_lead_values(_row_values(items, cells))
        if not problems:
            key = _row_key(data)
            if key in seen:
                problems = [_duplicate_reason(data, seen[key])]
            else:
                seen[key] = row_number
        row = PreviewRow(
            row_number=row_number,
            values=data,
            problems=problems,
            action="rejected" if problems else "new",
        )
        preview.total += 1
        if len(preview.rows) < limit:
            preview.rows.append(row)
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
    return preview


def import_job_preview(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    """The first rows as they will be imported: values, problems, new or update."""
    return import_job_preview_summary(job=job, limit=limit).rows


ANOTHER_OWNER = (
    "A lead with this email is already in the CRM and belongs to someone else; ask its "
    "owner, their manager or an admin to update it."
)
MATCHES_CONVERTED = (
    "Matches a converted lead: an import never changes a converted lead. "
    "Update its contact instead."
)
MATCHES_DISQUALIFIED = (
    "Matches a disqualified lead: an import never changes a disqualified lead. "
    "Reopen it by hand if it is worth another look."
)


def _refusal(lead, visible):
    """Why an import may not touch this existing lead, or ''."""
    if visible is not None and lead.owner_id not in visible:
        return ANOTHER_OWNER
    if lead.status == Lead.Status.CONVERTED:
        return MATCHES_CONVERTED
    if lead.status == Lead.Status.DISQUALIFIED:
        return MATCHES_DISQUALIFIED
    return ""


# -- step 4: run -----------------------------------------------------------------------


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
    from .tasks import run_lead_import_task

    try:
        run_lead_import_task.delay(job_id)
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
        criteria = selectors.current_criteria()
        context = _Context(
            job=job,
            actor=job.created_by,
            criteria=criteria if len(criteria) else None,
            visible=visible_owner_ids(job.created_by),
        )
        items = _mapping_items(job)
        seen = {}
        batch = []
        for row_number, cells in iter_records(job, fileobj=raw):
            data, problems = clean_lead_values(_row_values(items, cells))
            if not problems:
                key = _row_key(data)
                first = seen.get(key)
                if first is not None:
                    problems = [_duplicate_reason(data, first)]
                else:
                    seen[key] = row_number
            if row_number <= done_up_to:
                continue  # imported by an earlier run; still counted for duplicates
            batch.append((row_number, data, problems))
            if len(batch) >= BATCH_SIZE:
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


def _find_existing(valid, *, lock=True):
    """{row key: lead} for the batch's rows already in the CRM (lowest id wins).

    `lock` serialises the batch with other writers of these emails (the run); the
    preview only reads.
    """
    emails = [data["email"] for _, data in valid if data.get("email")]
    found = {}
    if emails:
        if lock:
            lock_emails(emails)
        for lead in Lead.objects.filter(email__in=emails).only(*LOAD_FIELDS).order_by("-id"):
            found[lead.email] = lead
    nameless = [data for _, data in valid if not data.get("email")]
    if nameless:
        companies = {data["company_name"] for data in nameless}
        last_names = {data["last_name"] for data in nameless}
        for lead in (
            Lead.objects.filter(email="", company_name__in=companies, last_name__in=last_names)
            .only(*LOAD_FIELDS)
            .order_by("-id")
        ):
            found[_row_key(_fields_of(lead))] = lead
    return found


def _fields_of(lead):
    return {name: getattr(lead, name) for name in INTAKE_LEAD_FIELD_NAMES}


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
            criteria, _fields_of(lead), working=current, latest=latest.get(lead.pk)
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
            [model(**{**defaults, **row}) for row in rows], batch_size=BATCH_SIZE
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
    existing = _find_existing(valid)
    results, new_leads, new_rows, qualifications = [], [], [], []
    changed, changes_by_lead, rescore = [], {}, []
    changed_fields = set()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    for row_number, data, problems in batch:
        if problems:
            results.append(_result(job, row_number, "rejected", " ".join(problems)[:300]))
            counts["rejected"] += 1
            continue
        lead = existing.get(_row_key(data))
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
            continue
        refusal = _refusal(lead, context.visible)
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


# -- after: report, housekeeping -------------------------------------------------------


def import_row_summaries(job, row_numbers) -> dict:
    """{row number: "Ada Lovelace · ada@x.test · Engines"} read back from the stored file,
    so a report page can say what a rejected row contained."""
    wanted = set(row_numbers)
    if not wanted:
        return {}
    last, items, found = max(wanted), _mapping_items(job), {}
    try:
        for row_number, cells in iter_records(job):
            if row_number > last:
                break
            if row_number in wanted:
                values = {k: v.strip() for k, v in _row_values(items, cells).items()}
                name = values.get(FULL_NAME) or " ".join(
                    filter(None, [values.get("first_name"), values.get("last_name")])
                )
                parts = [name, values.get("email"), values.get("company_name")]
                found[row_number] = " · ".join(p for p in parts if p) or "(empty)"
    except (OSError, ValueError, csv.Error, UnicodeDecodeError):
        return found  # the file is gone or unreadable: the reasons still show
    return found


def import_report_rows(job):
    """The original file with three more columns: outcome, reason, lead id. Streams."""
    results = job.rows.order_by("row_number").values_list(
        "row_number", "outcome", "reason", "lead_id"
    )
    result_iter = results.iterator(chunk_size=2000)
    pending = next(result_iter, None)
    yield [*job.headers, "Import outcome", "Reason", "Lead id"]
    for row_number, cells in iter_records(job):
        while pending is not None and pending[0] < row_number:
            pending = next(result_iter, None)
        if pending is not None and pending[0] == row_number:
            _, outcome, reason, lead_id = pending
            yield [*cells, outcome, reason, lead_id or ""]
        else:
            yield [*cells, "not imported", "", ""]


@transaction.atomic
def import_job_delete(*, actor: User, job: ImportJob) -> None:
    """Forget an import and its file (its leads stay). Not while it runs."""
    if job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        raise ValidationError("This import is running; delete it once it has finished.")
    name = job.file.name
    storage = job.file.storage
    record_event(
        subject=job,
        name="lead_import.deleted",
        actor=actor,
        summary=f"Import of {job.original_name} deleted",
    )
    job.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)
