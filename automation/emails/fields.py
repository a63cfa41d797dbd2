"""The merge fields a template may use, and their values for a record.

A field is a fixed name ("contact.first_name") mapped to a function of the objects a
record brings (its contact, account, deal, lead, call and the sender). Templates never
name attributes themselves: only these keys exist.
"""

from collections.abc import Callable
from dataclasses import dataclass

from salesproc.registry import record_type_of


@dataclass(frozen=True)
class MergeField:
    key: str
    label: str
    value: Callable  # value(obj) -> str | date | Decimal | None, obj being the group's object
    example: str = ""

    @property
    def group(self):
        return self.key.split(".")[0]


def _name(user):
    return user.display_name if user is not None else ""


FIELDS = (
    MergeField("contact.first_name", "Contact's first name", lambda c: c.first_name, "Dana"),
    MergeField("contact.last_name", "Contact's last name", lambda c: c.last_name, "Weber"),
    MergeField("contact.full_name", "Contact's name", lambda c: c.full_name, "Dana Weber"),
    MergeField("contact.job_title", "Contact's job title", lambda c: c.job_title, "CFO"),
    MergeField("contact.email", "Contact's email", lambda c: c.email, "dana@example.com"),
    MergeField("account.name", "Account name", lambda a: a.name, "Acme GmbH"),
    MergeField("account.industry", "Account industry", lambda a: a.industry, "Logistics"),
    MergeField("account.city", "Account city", lambda a: a.city, "Hamburg"),
    MergeField(
        "account.manager",
        "Account manager",
        lambda a: _name(a.account_manager) if a.account_manager_id else "",
        "Kim Park",
    ),
    MergeField("deal.name", "Deal name", lambda d: d.name, "Acme fleet rollout"),
    MergeField("deal.amount", "Deal amount", lambda d: d.amount, "12,500.00"),
    MergeField("deal.currency", "Deal currency", lambda d: d.currency, "EUR"),
    MergeField("deal.stage", "Deal stage", lambda d: d.stage.name, "Proposal"),
    MergeField(
        "deal.close_date", "Expected close date", lambda d: d.expected_close_date, "31 March 2027"
    ),
    MergeField("lead.first_name", "Lead's first name", lambda lead: lead.first_name, "Sam"),
    MergeField("lead.last_name", "Lead's last name", lambda lead: lead.last_name, "Nolan"),
    MergeField("lead.company", "Lead's company", lambda lead: lead.company_name, "Nolan & Co"),
    MergeField("lead.job_title", "Lead's job title", lambda lead: lead.job_title, "Head of sales"),
    MergeField("call.purpose", "Call purpose", lambda call: call.purpose, "Discovery"),
    MergeField("call.date", "Call date", lambda call: call.scheduled_at, "2 December 2026"),
    MergeField(
        "call.next_steps", "Call's next steps", lambda call: call.next_steps, "Send pricing"
    ),
    MergeField("call.outcome", "Call outcome", lambda call: call.outcome, "Interested"),
    MergeField("sender.first_name", "Your first name", lambda u: u.first_name, "Alice"),
    MergeField("sender.full_name", "Your name", lambda u: u.display_name, "Alice Adams"),
    MergeField("sender.email", "Your email", lambda u: u.email, "alice@example.com"),
    MergeField("sender.team", "Your team", lambda u: u.team.name if u.team_id else "", "North"),
)
FIELD_KEYS = frozenset(f.key for f in FIELDS)
GROUP_LABELS = {
    "contact": "Contact",
    "account": "Account",
    "deal": "Deal",
    "lead": "Lead",
    "call": "Call",
    "sender": "You (the sender)",
}


def field_groups():
    """[(group label, [fields])] in the editor's order."""
    groups = {}
    for item in FIELDS:
        groups.setdefault(item.group, []).append(item)
    return [(GROUP_LABELS[key], items) for key, items in groups.items()]


def objects_for(record):
    """The objects a record brings: {"contact": …, "account": …, …} (None when absent)."""
    kind = record_type_of(record).type if record is not None else ""
    objects = dict.fromkeys(("contact", "account", "deal", "lead", "call"))
    if kind == "contact":
        objects.update(contact=record, account=record.account)
    elif kind == "account":
        objects.update(account=record)
    elif kind == "deal":
        objects.update(deal=record, account=record.account, contact=record.primary_contact)
    elif kind == "lead":
        objects.update(lead=record)
    elif kind == "call":
        objects.update(
            call=record,
            contact=record.contact,
            lead=record.lead,
            deal=record.deal,
            account=record.account or (record.contact.account if record.contact_id else None),
        )
    return objects


def values_for(record, sender):
    """field key -> value, for every merge field ('' where the record has no such object)."""
    objects = objects_for(record)
    objects["sender"] = sender
    values = {}
    for item in FIELDS:
        obj = objects.get(item.group)
        values[item.key] = item.value(obj) if obj is not None else ""
    return values


def example_values():
    return {item.key: item.example for item in FIELDS}


def recipient_for(record):
    """The address an email about this record goes to by default ('' if none)."""
    objects = objects_for(record)
    if objects["contact"] is not None and objects["contact"].email:
        return objects["contact"].email
    if objects["lead"] is not None and objects["lead"].email:
        return objects["lead"].email
    return ""
