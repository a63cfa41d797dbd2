"""Streaming CSV exports of lists and reports, for pages and the API.

A list export names its columns once (`Column`), and `stream_csv` walks the queryset in
chunks (`.iterator(chunk_size=...)`: a server-side cursor on PostgreSQL), so an export of
100,000 rows never holds them in memory. Every cell goes through csvfile's neutralising
writer (formula injection).
"""

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.http import StreamingHttpResponse
from django.utils import timezone

from .csvfile import csv_lines, safe_filename

CHUNK_SIZE = 2000  # rows per database fetch
LINES_PER_CHUNK = 250  # rows per chunk written to the client
CSV_MEDIA_TYPE = "text/csv"


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading and how to read it from a row object.

    value: a dotted attribute path ("owner.display_name") or a callable(row).
    labels: the choices of a field ({"open": "Open"}): the cell shows the label (a dict
    look-up; get_FOO_display costs far more per row on a 100,000-row export).
    """

    heading: str
    value: str | Callable
    labels: dict | None = None

    def read(self, row):
        if callable(self.value):
            return self.value(row)
        try:
            found = self._get(row)
        except AttributeError:  # a missing related record (account=None): an empty cell
            return ""
        if self.labels is not None:
            return self.labels.get(found, found)
        return cell(found)

    @cached_property
    def _get(self):
        return operator.attrgetter(self.value)


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
    """The heading row, then one row per object, read chunk by chunk."""
    columns = list(columns)
    yield [column.heading for column in columns]
    for item in queryset.iterator(chunk_size=chunk_size):
        yield [column.read(item) for column in columns]


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
