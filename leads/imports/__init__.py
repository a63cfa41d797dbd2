"""CSV import of leads: upload, map columns, preview, import in batches, report.

The upload is stored on disk (MEDIA_ROOT) with an ImportJob row (models in
leads/intake/models.py); a task imports it in batches. By concept:

- reading: the file's encoding, delimiter, header and rows;
- mapping: the upload and which column fills which lead field;
- matching: which lead a row is, and whether an import may touch it;
- preview: the first rows and counts over the whole file;
- run: queue, claim, import batch by batch, heartbeat;
- report: the file with outcomes; forgetting a job.

Generic bulk SQL is salesproc.bulk. The pages and API are in leads/intake.
"""

from leads.intake.models import INTAKE_LEAD_FIELD_NAMES
from leads.intake.values import FIELD_LABELS, FULL_NAME

from .mapping import (
    MAPPABLE_FIELDS,
    check_mapping,
    guess_mapping,
    import_job_create,
    import_job_set_mapping,
    mapping_from_columns,
    sample_values,
)
from .matching import ANOTHER_OWNER, MATCHES_CONVERTED, MATCHES_DISQUALIFIED
from .preview import ImportPreview, PreviewRow, import_job_preview, import_job_preview_summary
from .reading import ENCODING_LABELS, NOT_TEXT, detect_encoding, iter_records, max_import_bytes
from .report import import_job_delete, import_report_rows, import_row_summaries
from .run import STALE_AFTER, enqueue_import, import_job_run, import_job_start, rescore_from_profile

__all__ = [
    "ANOTHER_OWNER",
    "ENCODING_LABELS",
    "FIELD_LABELS",
    "FULL_NAME",
    "INTAKE_LEAD_FIELD_NAMES",
    "MAPPABLE_FIELDS",
    "MATCHES_CONVERTED",
    "MATCHES_DISQUALIFIED",
    "NOT_TEXT",
    "STALE_AFTER",
    "ImportPreview",
    "PreviewRow",
    "check_mapping",
    "detect_encoding",
    "enqueue_import",
    "guess_mapping",
    "import_job_create",
    "import_job_delete",
    "import_job_preview",
    "import_job_preview_summary",
    "import_job_run",
    "import_job_set_mapping",
    "import_job_start",
    "import_report_rows",
    "import_row_summaries",
    "iter_records",
    "mapping_from_columns",
    "max_import_bytes",
    "rescore_from_profile",
    "sample_values",
]
