"""The preview: the first rows as they will be imported, and counts over the whole
file (total rows, new, updates, expected rejections, rows matching a converted lead)."""

from dataclasses import dataclass, field

from leads.intake.models import (
    ImportJob,
)
from leads.intake.values import clean_lead_values
from salesproc.models import visible_owner_ids

from . import matching
from .matching import (
    ANOTHER_OWNER,
    duplicate_reason,
    find_existing,
    mapping_items,
    refusal_for,
    row_key,
    row_values,
)
from .reading import iter_records

PREVIEW_ROWS = 10


@dataclass
class PreviewRow:
    row_number: int
    values: dict
    problems: list = field(default_factory=list)
    action: str = ""  # new / update / unchanged / rejected
    closed_lead: bool = False  # matches a converted or disqualified lead


def _classify(rows, visible):
    """Set each valid row's action from the leads already in the CRM (one query per call)."""
    valid = [(r.row_number, r.values) for r in rows if not r.problems]
    existing = find_existing(valid, lock=False) if valid else {}
    for row in rows:
        lead = None if row.problems else existing.get(row_key(row.values))
        if lead is None:
            continue
        refusal = refusal_for(lead, visible)
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
    items = mapping_items(job)
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
        data, problems = clean_lead_values(row_values(items, cells))
        if not problems:
            key = row_key(data)
            if key in seen:
                problems = [duplicate_reason(data, seen[key])]
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
        if len(batch) >= matching.BATCH_SIZE:
            flush()
    flush()
    return preview


def import_job_preview(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    """The first rows as they will be imported: values, problems, new or update."""
    return import_job_preview_summary(job=job, limit=limit).rows
