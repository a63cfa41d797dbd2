"""Reading an uploaded CSV file: its encoding, delimiter, header and rows."""

import codecs
import csv
import io

from django.conf import settings
from django.core.exceptions import ValidationError

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


def megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


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


def open_text(fileobj, encoding):
    """A text view of a binary file (Django's File wraps the real one in .file)."""
    binary = getattr(fileobj, "file", fileobj)
    binary.seek(0)
    return io.TextIOWrapper(binary, encoding=encoding, newline="", errors="strict")


def detect_delimiter(first_line: str) -> str:
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


def clean_headers(cells):
    headers, seen = [], set()
    for index, cell in enumerate(cells):
        name = " ".join(str(cell).split()) or f"Column {index + 1}"
        base, n = name, 2
        while name in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name)
        headers.append(name)
    return headers


def is_blank(cells):
    return not any(cell.strip() for cell in cells)


def iter_records(job, *, fileobj=None):
    """(row number, cells) for each non-blank row under the header; row 1 is the header."""
    own = fileobj is None
    raw = job.file.open("rb") if own else fileobj
    text = open_text(raw, job.encoding)
    try:
        reader = csv.reader(text, delimiter=job.delimiter)
        next(reader, None)
        for index, cells in enumerate(reader, start=2):
            if cells and not is_blank(cells):
                yield index, cells
    finally:
        text.detach()
        if own:
            raw.close()
