"""Workflow rules: create, change, switch on/off (each save versioned), test on an event."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from salesproc.models import Event, User
from salesproc.registry import event_names_matching, event_type, workflow_action

from . import engine
from .conditions import NO_VALUE, OPERATORS, SOURCES, is_sensitive
from .models import WorkflowRule, WorkflowRuleVersion

FIELDS = ("name", "description", "trigger", "match", "conditions", "actions", "active")
RECENT_EVENTS = 50


def _admin(actor):
    if not (actor and actor.is_authenticated and actor.is_crm_admin):
        raise PermissionDenied("Only an admin manages workflow rules.")


def _clean_param(param, value):
    if value in (None, "") or (param.kind == "bool" and value is None):
        if param.required and param.default is None:
            raise ValueError("is required")
        return param.default
    if param.kind == "int":
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if number < 0:
            raise ValueError("must not be negative")
        return number
    if param.kind == "decimal":
        try:
            return str(Decimal(str(value).strip()))
        except InvalidOperation:
            raise ValueError("must be a number") from None
    if param.kind == "bool":
        return value in (True, "true", "on", "1", 1)
    if param.kind == "choice":
        allowed = [str(v) for v, _label in param.choices]
        if str(value) not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return str(value)
    if param.kind == "user":
        user = User.objects.filter(pk=value if str(value).isdigit() else None, is_active=True)
        if not user.exists():
            raise ValueError("is not an active user")
        return int(value)
    return str(value).strip()[:500]


def clean_rule_data(data):
    """The rule's fields, checked: field errors in a ValidationError."""
    errors = {}
    cleaned = {}
    name = str(data.get("name", "")).strip()
    if not name:
        errors["name"] = "Give the rule a name."
    cleaned["name"] = name[:120]
    cleaned["description"] = str(data.get("description", "") or "").strip()[:300]
    trigger = str(data.get("trigger", "")).strip()
    names = event_names_matching(trigger) if trigger else []
    if not names:
        errors["trigger"] = (
            "Give an event name or a pattern (deal.*) that covers at least one event "
            "of the catalogue."
        )
    cleaned["trigger"] = trigger
    match = data.get("match", WorkflowRule.Match.ALL) or WorkflowRule.Match.ALL
    if match not in WorkflowRule.Match.values:
        errors["match"] = "Choose all or any."
    cleaned["match"] = match
    conditions, problems = [], []
    raw_conditions = data.get("conditions") or []
    if not isinstance(raw_conditions, list):
        raw_conditions, problems = [], ["Give a list of conditions."]
    for position, item in enumerate(raw_conditions, start=1):
        if not isinstance(item, dict):
            problems.append(f"Condition {position}: give source, field, op and value.")
            continue
        source, field = item.get("source", "data"), str(item.get("field", "")).strip()
        op, value = item.get("op", ""), item.get("value", "")
        if source not in SOURCES:
            problems.append(f"Condition {position}: the source is data or record.")
        if not field or field.startswith("_") or "._" in field or "__" in field:
            problems.append(f"Condition {position}: name the field (e.g. amount, stage.name).")
        elif is_sensitive(field):
            problems.append(f"Condition {position}: a rule cannot read {field}.")
        if op not in OPERATORS:
            problems.append(f"Condition {position}: choose one of {', '.join(OPERATORS)}.")
        if op not in NO_VALUE and op in OPERATORS and value in (None, "", []):
            problems.append(f"Condition {position}: give the value to compare with.")
        if isinstance(value, (dict,)):
            problems.append(f"Condition {position}: the value is text, a number or a list.")
        conditions.append(
            {"source": source, "field": field, "op": op, "value": "" if op in NO_VALUE else value}
        )
    if problems:
        errors["conditions"] = problems
    cleaned["conditions"] = conditions
    actions, problems = [], []
    raw_actions = data.get("actions") or []
    if not isinstance(raw_actions, list):
        raw_actions = []
    if not raw_actions:
        problems.append("Add at least one action.")
    records = {event_type(n).record for n in names if event_type(n)}
    for position, item in enumerate(raw_actions, start=1):
        key = item.get("action", "") if isinstance(item, dict) else ""
        action = workflow_action(key)
        if action is None:
            problems.append(f"Action {position}: choose one of the available actions.")
            continue
        if action.records and records and not records <= set(action.records):
            problems.append(
                f"Action {position}: {action.label} works on {', '.join(action.records)} "
                f"events; the trigger covers {', '.join(sorted(r or 'other' for r in records))}."
            )
        params, raw = {}, item.get("params") or {}
        if not isinstance(raw, dict):
            raw = {}
        for param in action.params:
            try:
                params[param.name] = _clean_param(param, raw.get(param.name))
            except ValueError as exc:
                problems.append(f"Action {position}: {param.label} {exc}.")
        actions.append({"action": key, "params": params})
    if problems:
        errors["actions"] = problems
    cleaned["actions"] = actions
    cleaned["active"] = bool(data.get("active", False))
    if errors:
        raise ValidationError(errors)
    return cleaned


def snapshot(rule):
    return {name: getattr(rule, name) for name in FIELDS}


def _save_version(rule, actor, note):
    WorkflowRuleVersion.objects.create(
        rule=rule, version=rule.version, snapshot=snapshot(rule), note=note, saved_by=actor
    )


@transaction.atomic
def rule_create(*, actor, data):
    _admin(actor)
    cleaned = clean_rule_data(data)
    rule = WorkflowRule.objects.create(owner=actor, **cleaned)
    _save_version(rule, actor, "Created")
    return rule


@transaction.atomic
def rule_update(*, actor, rule, data):
    """Change a rule (any field left out keeps its value); a new version when it changed."""
    _admin(actor)
    rule = WorkflowRule.objects.select_for_update().get(pk=rule.pk)
    cleaned = clean_rule_data({**snapshot(rule), **data})
    changed = [name for name in FIELDS if getattr(rule, name) != cleaned[name]]
    if not changed:
        return rule
    for name in FIELDS:
        setattr(rule, name, cleaned[name])
    if rule.owner_id is None:  # a shipped example: whoever turns it on hears of failures
        rule.owner = actor
    rule.version += 1
    rule.save()
    _save_version(rule, actor, "Changed " + ", ".join(changed))
    return rule


def rule_set_active(*, actor, rule, active):
    return rule_update(actor=actor, rule=rule, data={"active": bool(active)})


@transaction.atomic
def rule_delete(*, actor, rule):
    _admin(actor)
    rule.delete()


def recent_events(rule_or_trigger, limit=RECENT_EVENTS):
    """The last events the trigger covers, newest first (what a test can pick)."""
    trigger = getattr(rule_or_trigger, "trigger", rule_or_trigger)
    names = event_names_matching(trigger)
    return Event.objects.filter(name__in=names).select_related("content_type", "actor")[:limit]


def rule_test(*, actor, rule, event_id=None):
    """What the rule would do on one of its last 50 events (the newest by default),
    writing nothing."""
    _admin(actor)
    events = list(recent_events(rule).values_list("pk", flat=True))
    if not events:
        raise ValidationError({"event": "No event of this trigger has been recorded yet."})
    if event_id in (None, ""):
        event_id = events[0]
    try:
        event_id = int(event_id)
    except (TypeError, ValueError):
        raise ValidationError({"event": "Give an event id."}) from None
    if event_id not in events:
        raise ValidationError({"event": "Pick one of the last 50 events of this trigger."})
    event = Event.objects.select_related("content_type").get(pk=event_id)
    return engine.dry_run(rule, event)
