"""The rule form: its fields, and the condition and action rows posted as numbered
fields (cond-0-field, action-0, action-0-days...), so the builder needs no JavaScript.

An action row shows the settings of the action it has; after choosing another action,
"Show its settings" posts the form back without saving.
"""

from django import forms

from salesproc.registry import event_types, workflow_action, workflow_actions

from .conditions import NO_VALUE, OPERATORS, SOURCES
from .models import WorkflowRule

EXTRA_CONDITIONS = 2
EXTRA_ACTIONS = 1


class RuleForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=300, required=False)
    trigger = forms.CharField(
        max_length=64,
        help_text="An event name from the list, or a pattern such as deal.* (every deal event).",
        widget=forms.TextInput(attrs={"list": "event-names", "autocomplete": "off"}),
    )
    match = forms.ChoiceField(
        choices=WorkflowRule.Match.choices, initial="all", widget=forms.RadioSelect
    )
    active = forms.BooleanField(required=False, label="Switched on")


def condition_rows(data=None, conditions=()):
    """[{prefix, source, field, op, value}] for the form: the rule's plus empty ones."""
    if data is not None:
        count = int(data.get("cond-count") or 0)
        rows = [
            {
                "source": data.get(f"cond-{i}-source", "data"),
                "field": data.get(f"cond-{i}-field", ""),
                "op": data.get(f"cond-{i}-op", "equals"),
                "value": data.get(f"cond-{i}-value", ""),
            }
            for i in range(count)
        ]
    else:
        rows = [
            {
                **c,
                "value": ", ".join(map(str, c["value"]))
                if isinstance(c["value"], list)
                else c["value"],
            }
            for c in conditions
        ]
        rows += [{"source": "data", "field": "", "op": "equals", "value": ""}] * EXTRA_CONDITIONS
    return [{**row, "prefix": f"cond-{i}"} for i, row in enumerate(rows)]


def posted_conditions(rows):
    """The filled condition rows as the rule stores them (empty rows are left out)."""
    conditions = []
    for row in rows:
        if not str(row["field"]).strip():
            continue
        value = row["value"]
        if row["op"] == "in":
            value = [part.strip() for part in str(value).split(",") if part.strip()]
        conditions.append(
            {
                "source": row["source"],
                "field": str(row["field"]).strip(),
                "op": row["op"],
                "value": "" if row["op"] in NO_VALUE else value,
            }
        )
    return conditions


def _param_value(param, value):
    if param.kind == "bool":
        return bool(value)
    return "" if value is None else value


def action_rows(data=None, actions=()):
    """[{prefix, action, label, params: [{name, label, kind, choices, value, help}]}]."""
    if data is not None:
        count = int(data.get("action-count") or 0)
        chosen = []
        for i in range(count):
            key = data.get(f"action-{i}", "")
            action = workflow_action(key)
            params = {}
            if action is not None:
                for param in action.params:
                    name = f"action-{i}-{param.name}"
                    params[param.name] = name in data if param.kind == "bool" else data.get(name)
            chosen.append({"action": key, "params": params})
        if not any(row["action"] == "" for row in chosen):
            chosen.append({"action": "", "params": {}})
    else:
        chosen = [dict(item) for item in actions] + [{"action": "", "params": {}}] * EXTRA_ACTIONS
    rows = []
    for i, item in enumerate(chosen):
        action = workflow_action(item["action"])
        params = []
        if action is not None:
            for param in action.params:
                given = (item.get("params") or {}).get(param.name)
                if given is None:
                    given = param.default
                params.append(
                    {
                        "name": f"action-{i}-{param.name}",
                        "label": param.label,
                        "kind": param.kind,
                        "choices": param.choices,
                        "help": param.help,
                        "required": param.required,
                        "value": _param_value(param, given),
                    }
                )
        rows.append(
            {
                "prefix": f"action-{i}",
                "action": item["action"],
                "label": action.label if action else item["action"],
                "params": params,
            }
        )
    return rows


def posted_actions(rows):
    actions = []
    for row in rows:
        if not row["action"]:
            continue
        name_of = {p["name"]: p["name"].rsplit("-", 1)[-1] for p in row["params"]}
        actions.append(
            {
                "action": row["action"],
                "params": {name_of[p["name"]]: p["value"] for p in row["params"]},
            }
        )
    return actions


def condition_text(condition):
    """A condition as a sentence for the rule's page."""
    where = "the record's" if condition.get("source") == "record" else "the event's"
    op = condition.get("op", "")
    value = condition.get("value", "")
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    shown = "" if op in NO_VALUE else f" “{value}”"
    return f"{where} {condition.get('field')} {OPERATORS.get(op, op)}{shown}"


def builder_context():
    return {
        "sources": SOURCES.items(),
        "operators": OPERATORS.items(),
        "no_value": NO_VALUE,
        "available_actions": workflow_actions(),
        "event_names": [e.name for e in event_types()],
    }
