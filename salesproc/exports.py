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

from django.http import StreamingHttpResponse
from django.utils import timezone

from .csvfile import csv_lines, safe_filename

CHUNK_SIZE = 2000
CSV_MEDIA_TYPE = "text/csv"


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading and how to read it from a row object.

    value: a dotted attribute path ("owner.display_name") or a callable(row).
    """

    heading: str
    value: str | Callable

    def read(self, row):
        if callable(self.value):
            return self.value(row)
        try:
            found = operator.attrgetter(self.value)(row)
        except AttributeError:  # a missing related record (account=None): an empty cell
            return ""
        return cell(found)


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
        csv_lines(rows), content_type=f"{CSV_MEDIA_TYPE}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename, ".csv")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
