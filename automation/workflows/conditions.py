"""Conditions of a workflow rule, on the event's data and on the record's current fields.

A condition: {"source": "data" | "record", "field": "to_stage_name", "op": "equals",
"value": "Won"}. `field` is a dotted path ("changes.amount", "stage.name", "owner_id").
"""

from decimal import Decimal, InvalidOperation

from django.db import models

from salesproc.events import SENSITIVE_KEY_PARTS

OPERATORS = {
    "equals": "equals",
    "not": "is not",
    "in": "is one of",
    "gt": "is greater than",
    "lt": "is less than",
    "contains": "contains",
    "empty": "is empty",
    "not_empty": "is not empty",
    "changed_to": "changed to",
}
NO_VALUE = {"empty", "not_empty"}
SOURCES = {"data": "Event data", "record": "Record field"}
MISSING = object()


def is_sensitive(path):
    """A password, token or secret is never read by a rule (nor shown in its log)."""
    return any(part in str(path).lower() for part in SENSITIVE_KEY_PARTS)


def lookup(root, path):
    """The value at a dotted path of a dict or an object; MISSING when there is none."""
    if is_sensitive(path):
        return MISSING
    value = root
    for part in str(path).split("."):
        if value is None or value is MISSING:
            return MISSING
        if isinstance(value, dict):
            value = value.get(part, MISSING)
        elif isinstance(value, (list, tuple)) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else MISSING
        elif part.startswith("_"):
            return MISSING  # no private attributes
        else:
            try:
                value = getattr(value, part)
            except Exception:  # a missing relation raises DoesNotExist
                return MISSING
            if isinstance(value, models.Manager) or callable(value):
                return MISSING  # no related managers, no methods
    return value


def _number(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _texts(value):
    """How a value may be written in a rule: a record by its name or its id."""
    if isinstance(value, models.Model):
        return {str(value).casefold(), str(value.pk)}
    if isinstance(value, bool):
        return {"true" if value else "false"}
    if value is None or value is MISSING:
        return {""}
    return {str(value).strip().casefold()}


def same(actual, expected):
    a, b = _number(actual), _number(expected)
    if a is not None and b is not None:
        return a == b
    return str(expected if expected is not None else "").strip().casefold() in _texts(actual)


def _choices(expected):
    if isinstance(expected, (list, tuple)):
        return list(expected)
    return [part.strip() for part in str(expected or "").split(",") if part.strip()]


def _compare(actual, expected, sign):
    if isinstance(actual, models.Model):
        actual = actual.pk
    a, b = _number(actual), _number(expected)
    if a is None or b is None:
        if actual in (None, MISSING) or expected in (None, ""):
            return False
        a, b = str(actual), str(expected)  # ISO dates and times compare as text
    return a > b if sign > 0 else a < b


def is_empty(value):
    if value is MISSING or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict)):
        return not value
    return False


def changed_to(event, field, expected):
    """Did this event change `field` to `expected`? Reads the ways events say so: a
    "changes" entry [before, after], "to_<field>" / "to_<field>_name" (stage moves),
    {"from", "to"} on a "<field>_changed" event, and "<type>.<value>" for a status
    (deal.won, lead.qualified)."""
    data = event.data or {}
    change = (data.get("changes") or {}).get(field)
    if isinstance(change, (list, tuple)) and len(change) == 2 and same(change[1], expected):
        return True
    for key in (f"to_{field}", f"to_{field}_name"):
        if key in data and same(data[key], expected):
            return True
    if event.name.endswith(f".{field}_changed") and "to" in data and same(data["to"], expected):
        return True
    return field == "status" and same(event.name.split(".", 1)[-1], expected)


def check(condition, *, event, subject):
    """(holds, sentence) for one condition."""
    source, field = condition.get("source", "data"), condition.get("field", "")
    op, expected = condition.get("op", "equals"), condition.get("value", "")
    root = event.data if source == "data" else subject
    actual = lookup(root, field) if root is not None else MISSING
    if op == "equals":
        holds = actual is not MISSING and same(actual, expected)
    elif op == "not":
        holds = not same(actual, expected)
    elif op == "in":
        holds = actual is not MISSING and any(same(actual, c) for c in _choices(expected))
    elif op in ("gt", "lt"):
        holds = actual is not MISSING and _compare(actual, expected, 1 if op == "gt" else -1)
    elif op == "contains":
        if isinstance(actual, (list, tuple)):
            holds = any(same(item, expected) for item in actual)
        elif isinstance(actual, dict):
            holds = str(expected) in actual
        else:
            holds = actual not in (None, MISSING) and (
                str(expected).casefold() in str(actual).casefold()
            )
    elif op == "empty":
        holds = is_empty(actual)
    elif op == "not_empty":
        holds = not is_empty(actual)
    elif op == "changed_to":
        holds = changed_to(event, field, expected)
    else:
        return False, f"unknown operator {op!r}"
    shown = (
        "(none)"
        if actual is MISSING
        else repr(actual if not isinstance(actual, models.Model) else str(actual))
    )
    value = "" if op in NO_VALUE else f" {expected!r}"
    verdict = "holds" if holds else "does not hold"
    return (
        holds,
        f"{SOURCES.get(source, source)} {field} {OPERATORS[op]}{value} {verdict} (is {shown})",
    )


def evaluate(conditions, match, *, event, subject):
    """(matched, reason): every (all) or one (any) condition holds; none means always."""
    if not conditions:
        return True, "No conditions: every event of the trigger matches."
    results = [check(c, event=event, subject=subject) for c in conditions]
    if match == "any":
        matched = any(holds for holds, _ in results)
    else:
        matched = all(holds for holds, _ in results)
    shown = [text for holds, text in results if holds == matched] or [t for _h, t in results]
    return matched, "; ".join(shown)[:300]
