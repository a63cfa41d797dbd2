"""After an import: the report (the file with outcomes) and forgetting a job."""

import csv

from django.core.exceptions import ValidationError
from django.db import transaction

from leads.intake.models import (
    ImportJob,
)
from leads.intake.values import FULL_NAME
from salesproc.events import record_event
from salesproc.models import User

from .matching import mapping_items, row_values
from .reading import iter_records


def import_row_summaries(job, row_numbers) -> dict:
    """{row number: "Ada Lovelace · ada@x.test · Engines"} read back from the stored file,
    so a report page can say what a rejected row contained."""
    wanted = set(row_numbers)
    if not wanted:
        return {}
    last, items, found = max(wanted), mapping_items(job), {}
    try:
        for row_number, cells in iter_records(job):
            if row_number > last:
                break
            if row_number in wanted:
                values = {k: v.strip() for k, v in row_values(items, cells).items()}
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
