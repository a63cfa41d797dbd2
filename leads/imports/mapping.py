"""Setting up an import: the upload (stored, header read) and the mapping of columns
to lead fields, with who owns the new leads."""

import csv

from django.core.exceptions import ValidationError
from django.db import transaction

from leads.intake.models import (
    INTAKE_LEAD_FIELD_NAMES,
    ImportJob,
)
from leads.intake.values import (
    FIELD_LABELS,
    FULL_NAME,
    NOTES,
    NOTES_ALIASES,
    guess_field,
    normalise_name,
)
from salesproc.events import record_event
from salesproc.models import User
from salesproc.processes import LEADS
from salesproc.services import check_owner

from .reading import (
    clean_headers,
    detect_delimiter,
    detect_encoding,
    is_blank,
    iter_records,
    max_import_bytes,
    megabytes,
    open_text,
)

MAPPABLE_FIELDS = [*INTAKE_LEAD_FIELD_NAMES, FULL_NAME, "source", NOTES]


def guess_mapping(headers) -> list[str]:
    """Per column, the lead field its header most likely means ('' when unsure or taken)."""
    mapping, taken = [], set()
    for header in headers:
        field_name = guess_field(header) or (
            NOTES if normalise_name(header) in NOTES_ALIASES else ""
        )
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
                "file": f"The file is {megabytes(size)}; the limit is "
                f"{megabytes(max_import_bytes())}. Split it into smaller files."
            }
        )
    encoding = detect_encoding(upload)
    text = open_text(upload, encoding)
    try:
        first_line = text.readline()
        text.seek(0)
        delimiter = detect_delimiter(first_line)
        reader = csv.reader(text, delimiter=delimiter)
        header = next(reader, None)
        first_row = next((cells for cells in reader if cells and not is_blank(cells)), None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ValidationError({"file": f"The file could not be read as CSV: {exc}."})
    finally:
        text.detach()
    if not header or is_blank(header):
        raise ValidationError({"file": "The first row should name the columns; it is empty."})
    if first_row is None:
        raise ValidationError({"file": "The file has a header row but no leads under it."})
    headers = clean_headers(header)
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
