"""CSV files the product writes: every cell goes through `neutralise_cell`.

A spreadsheet program runs a cell that begins with =, +, - or @ (or a tab or carriage
return followed by one) as a formula: a lead called `=HYPERLINK(...)` in an import
report would run on the reader's machine (CSV or formula injection). Every CSV the CRM
writes is produced by `csv_lines` (or `write_rows`), so no writer can forget it.
"""

import csv
import io
import re

from django.http import StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def neutralise_cell(value):
    """The value a spreadsheet shows as text: a leading apostrophe before a formula start.

    Numbers stay numbers (a negative amount is data, not a formula); None is empty.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def neutralise_row(row):
    return [neutralise_cell(cell) for cell in row]


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows, *, bom=True):
    """Lines of CSV text for an iterable of rows, neutralised; streams."""
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    for row in rows:
        yield writer.writerow(neutralise_row(row))


def write_rows(fileobj, rows):
    """Write neutralised rows to an open text file."""
    writer = csv.writer(fileobj)
    for row in rows:
        writer.writerow(neutralise_row(row))


def csv_text(rows) -> str:
    buffer = io.StringIO()
    write_rows(buffer, rows)
    return buffer.getvalue()


def safe_filename(stem, suffix, *, default="export"):
    stem = _UNSAFE_FILENAME.sub("-", str(stem or "")).strip("-")
    return f"{(stem or default)[:80]}{suffix}"


def csv_download(rows, *, filename):
    """A streaming attachment of the rows, neutralised."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
