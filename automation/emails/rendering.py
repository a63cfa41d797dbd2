"""The sandbox email templates render in: `{{ field }}` and `{{ field|filter }}` only.

Nothing of Django's template language reaches a template: no tags, no attribute
access (a field is a name from the merge-field list, looked up in a dict of values
already computed), and three filters (default, date, money). Anything else is an
error, listed with the part of the text it came from.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import dateformat, timezone

VARIABLE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
FORBIDDEN = re.compile(r"\{%|%\}|\{#|#\}")
FIELD_NAME = re.compile(r"^[a-z]+(?:\.[a-z_]+)?$")
FILTER = re.compile(r'^([a-z]+)(?::"([^"\\{}%]*)")?$')
FILTERS = ("default", "date", "money")
DEFAULT_DATE_FORMAT = "j F Y"
MAX_LENGTH = 20000


class Problems(Exception):
    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


def _parse(expression, known_fields):
    """(field, [(filter, arg)]) of one `{{ … }}`, or a message saying what is wrong."""
    parts = [p.strip() for p in expression.strip().split("|")]
    field = parts[0]
    if not FIELD_NAME.match(field) or field not in known_fields:
        return None, f"Unknown field “{field[:60]}”."
    filters = []
    for part in parts[1:]:
        match = FILTER.match(part)
        if not match or match.group(1) not in FILTERS:
            return None, f"Unknown filter “{part[:40]}” on {field} (allowed: {', '.join(FILTERS)})."
        filters.append((match.group(1), match.group(2)))
    return (field, filters), None


def check(text, known_fields):
    """Every problem in text: tags, unknown fields or filters, a `{{` left open."""
    problems = []
    if len(text) > MAX_LENGTH:
        problems.append(f"Too long (at most {MAX_LENGTH} characters).")
    if FORBIDDEN.search(text):
        problems.append("Template tags and comments ({% … %}, {# … #}) are not allowed.")
    for match in VARIABLE.finditer(text):
        _, message = _parse(match.group(1), known_fields)
        if message and message not in problems:
            problems.append(message)
    rest = VARIABLE.sub("", text)
    if "{{" in rest or "}}" in rest:
        problems.append("A “{{” is not closed by “}}”.")
    return problems


def unknown_fields(text, known_fields):
    found = []
    for match in VARIABLE.finditer(text):
        field = match.group(1).split("|")[0].strip()
        if field not in known_fields and field not in found:
            found.append(field)
    return found


def _money(value, arg):
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{amount:,.2f}"
    return f"{arg} {text}" if arg else text


def _date(value, arg):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    elif not isinstance(value, date):
        return str(value)
    return dateformat.format(value, arg or DEFAULT_DATE_FORMAT)


def _apply(value, filters):
    for name, arg in filters:
        if name == "default":
            if value in (None, ""):
                value = arg or ""
        elif value in (None, ""):
            continue
        elif name == "date":
            value = _date(value, arg)
        elif name == "money":
            value = _money(value, arg)
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return _date(value, None)
    if isinstance(value, Decimal):
        return _money(value, None)
    return str(value)


def render(text, values):
    """text with each `{{ … }}` replaced from values (field -> value); Problems if the
    text is not a valid template for these fields."""
    problems = check(text, values.keys())
    if problems:
        raise Problems(problems)

    def replace(match):
        (field, filters), _ = _parse(match.group(1), values.keys())
        return _apply(values[field], filters)

    return VARIABLE.sub(replace, text)
