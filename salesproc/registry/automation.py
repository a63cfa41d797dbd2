"""What apps give automation: the events they record, the actions a workflow rule may
take on their records, and the reports people can subscribe to and export."""

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from ._store import _replace, registry


@dataclass(frozen=True)
class Param:
    """One input of a workflow action or a report (a form field and an API key).

    kind: "text", "int", "decimal", "bool", "date", "month" (YYYY-MM), "user", "team",
    "choice" (choices: ((value, label), ...), or a callable returning them when they
    come from the database: see `param_choices`), "record_type".
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    choices: tuple = ()
    help: str = ""
    default: object = None


@dataclass(frozen=True)
class EventType:
    """An event the product records, registered by the app that records it.

    name: "deal.won"; record: the RecordType of its subject ("deal"); example: an
    example of its `data`, as the catalogue and the API docs show it.
    """

    name: str
    description: str
    record: str = ""
    example: dict = field(default_factory=dict)


def register_event_types(*types: EventType):
    for item in types:
        _replace(registry.event_types, item, lambda e: e.name)


def event_types():
    return sorted(registry.event_types, key=lambda e: e.name)


def event_type(name):
    for item in registry.event_types:
        if item.name == name:
            return item
    return None


def event_names_matching(pattern):
    """The registered event names a trigger such as "deal.*" covers."""
    return [e.name for e in event_types() if fnmatch.fnmatchcase(e.name, pattern)]


@dataclass(frozen=True)
class WorkflowAction:
    """Something a workflow rule can do, provided by the app that owns the record;
    automation calls `run`, which calls that app's services (never its models).

    run(*, actor, event, subject, params, dry_run) -> a sentence saying what was done
    (or, with dry_run, what would be done, writing nothing). subject is the event's
    record as it is now (None if gone); actor is who the rule acts as. A
    django ValidationError is a permanent failure (bad params, a refused change); any
    other exception is retried.
    records: the record types of events it applies to (empty: any event).
    """

    key: str  # "deals.create_deal"
    label: str
    run: Callable
    params: tuple = ()  # Param, ...
    records: tuple = ()
    order: int = 100


def register_workflow_action(action: WorkflowAction):
    _replace(registry.workflow_actions, action, lambda a: a.key)


def workflow_actions():
    return sorted(registry.workflow_actions, key=lambda a: (a.order, a.key))


def workflow_action(key):
    for item in registry.workflow_actions:
        if item.key == key:
            return item
    return None


@dataclass(frozen=True)
class Report:
    """A report of the product, for scheduled sends and CSV exports.

    rows(*, user, params) -> (columns, rows): a list of column headings and an iterable
    of rows (lists), limited to what the user may see, computed in SQL (an iterator for
    long reports, so an export streams). params: the report's Params, cleaned by
    `clean_report_params` (missing optional ones absent); a bad value is a Django
    ValidationError with the param's name as field. summary(*, user, params) -> a few rows
    for the email's table (None: the first rows). url_name: the live page; its query
    string uses the params' names, so its filters carry over to the export.
    owner_param: the param that narrows the report to one person ("owner"); a
    subscription "for myself" sets it, one "for my team" leaves it empty. A report
    without one covers whatever its reader may see.
    """

    key: str  # "deals.pipeline"
    title: str
    rows: Callable
    params: tuple = ()  # Param, ...
    url_name: str = ""
    process: str | None = None
    manager_only: bool = False
    summary: Callable | None = None
    order: int = 100
    owner_param: str = ""


def register_report(report: Report):
    _replace(registry.reports, report, lambda r: r.key)


def reports_for(user=None):
    items = sorted(registry.reports, key=lambda r: (r.order, r.key))
    if user is None:
        return items
    return [
        r
        for r in items
        if (r.process is None or user.runs(r.process))
        and (not r.manager_only or user.is_manager or user.is_crm_admin)
    ]


def report(key):
    for item in registry.reports:
        if item.key == key:
            return item
    return None


def param_choices(param: Param) -> list:
    """A choice param's (value, label) pairs; configuration read now when callable."""
    return list(param.choices() if callable(param.choices) else param.choices)


def clean_report_params(item: Report, data) -> dict:
    """The report's params from a query string or a JSON object, typed and checked;
    unknown keys are dropped. Raises ValidationError({param: message}) on bad input."""
    cleaned, errors = {}, {}
    for param in item.params:
        raw = data.get(param.name) if hasattr(data, "get") else None
        if raw in (None, ""):
            if param.default is not None:
                cleaned[param.name] = param.default
            elif param.required:
                errors[param.name] = "This parameter is required."
            continue
        try:
            cleaned[param.name] = _clean_param(param, raw)
        except ValueError as error:
            errors[param.name] = str(error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_param(param: Param, raw):
    text = str(raw).strip()
    if param.kind in ("int", "user", "team"):
        try:
            return int(text)
        except ValueError:
            raise ValueError("Give a whole number.") from None
    if param.kind == "bool":
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError("Give true or false.")
    if param.kind == "month":
        try:
            return date.fromisoformat(f"{text}-01").strftime("%Y-%m")
        except ValueError:
            raise ValueError("Give a month as YYYY-MM.") from None
    if param.kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("Give a date as YYYY-MM-DD.") from None
    if param.kind == "decimal":
        try:
            return str(Decimal(text))
        except InvalidOperation:
            raise ValueError("Give a number.") from None
    if param.kind == "choice":
        values = [str(value) for value, _label in param_choices(param)]
        if text not in values:
            raise ValueError(f"Choose one of: {', '.join(values)}.")
        return text
    return text[:200]
