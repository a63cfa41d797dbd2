"""Streaming CSV exports of lists and reports, for pages and the API.

A list export names its columns once (`Column`), and `stream_csv` walks the queryset in
chunks (`.iterator(chunk_size=...)`: a server-side cursor on PostgreSQL), so an export of
100,000 rows never holds them in memory. Every cell goes through csvfile's neutralising
writer (formula injection).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.http import StreamingHttpResponse
from django.utils import timezone

from .csvfile import csv_lines, safe_filename

CHUNK_SIZE = 2000  # rows per database fetch
LINES_PER_CHUNK = 250  # rows per chunk written to the client
CSV_MEDIA_TYPE = "text/csv"


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading and the database values it is read from.

    path: a `values_list` path ("name", "account__name", an annotation such as
    "weighted_amount"), or a tuple of them that `compute` turns into the cell. labels: a
    field's choices ({"open": "Open"}): the cell shows the label. Reading plain values
    (not model instances with their related rows) is what makes 100,000 rows cheap.
    """

    heading: str
    path: str | tuple
    labels: dict | None = None
    compute: Callable | None = None

    @property
    def paths(self) -> tuple:
        return self.path if isinstance(self.path, tuple) else (self.path,)


def person(prefix: str) -> dict:
    """The fields of a column naming a person (owner, account manager): their full name,
    or username without one, as User.display_name reads."""
    return {
        "path": (f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username"),
        "compute": person_name,
    }


def person_name(first, last, username):
    return f"{first or ''} {last or ''}".strip() or (username or "")


def yes_no(value):
    return "yes" if value else "no"


def cell(value):
    """A value as a CSV cell: datetimes in the CRM's time zone, dates as ISO text."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def object_rows(queryset, columns: Iterable[Column], *, chunk_size=CHUNK_SIZE):
    """The heading row, then one row per record, read as plain values chunk by chunk."""
    columns = list(columns)
    yield [column.heading for column in columns]
    paths, readers = [], []
    for column in columns:
        first = len(paths)
        paths.extend(column.paths)
        readers.append((column.compute, column.labels, first, len(paths)))
    for values in queryset.values_list(*paths).iterator(chunk_size=chunk_size):
        row = []
        for compute, labels, first, last in readers:
            value = compute(*values[first:last]) if compute else values[first]
            row.append(labels.get(value, value) if labels is not None else cell(value))
        yield row


def stream_csv(rows, *, filename):
    """A streaming CSV attachment of an iterable of rows (the first: the headings)."""
    response = StreamingHttpResponse(
        _joined(csv_lines(rows)), content_type=f"{CSV_MEDIA_TYPE}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename, ".csv")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _joined(lines, *, size=LINES_PER_CHUNK):
    """Lines in chunks of a few hundred: one write per chunk, not one per row."""
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def export_queryset(queryset, columns, *, filename):
    return stream_csv(object_rows(queryset, columns), filename=filename)


def wants_csv(request) -> bool:
    """A page asked for its CSV: `?format=csv` (the "Export CSV" link keeps the filters)."""
    return request.GET.get("format") == "csv"


def export_url(request) -> str:
    """The current page's address with format=csv, every other filter kept."""
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    return f"{request.path}?{params.urlencode()}"
