"""The workflow actions accounts provides: create a contact, create an action item on
the account's plan. Both act for the record's owner through accounts' services and
only on accounts that owner may see."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from salesproc.registry import Param, WorkflowAction, register_workflow_action

from .models import Account
from .plans.models import AccountPlan
from .plans.services import ActionInput, account_action_save
from .services import contact_create

DATA_FIELD = re.compile(r"\{data\.([A-Za-z0-9_]+)\}")


def from_event(template, event):
    """A parameter with {data.email} and the like filled in from the event's data."""
    data = event.data or {}
    return DATA_FIELD.sub(lambda m: str(data.get(m.group(1), "") or ""), str(template or ""))


def _account(subject, actor):
    account = subject if isinstance(subject, Account) else getattr(subject, "account", None)
    if account is None or not Account.objects.visible_to(actor).filter(pk=account.pk).exists():
        raise ValidationError({"account": "The record has no account its owner may see."})
    return account


def create_contact(*, actor, event, subject, params, dry_run):
    account = _account(subject, actor)
    data = {
        "account": account,
        "first_name": from_event(params.get("first_name"), event).strip(),
        "last_name": from_event(params.get("last_name"), event).strip(),
        "email": from_event(params.get("email"), event).strip(),
        "owner": actor,
    }
    name = " ".join(p for p in (data["first_name"], data["last_name"]) if p)
    if not data["last_name"]:
        raise ValidationError({"last_name": "The contact's last name came out empty."})
    if dry_run:
        return f"Would add the contact {name} to {account.name} for {actor.display_name}"
    contact = contact_create(actor=actor, data=data)
    return f"Added the contact {contact.full_name} (#{contact.pk}) to {account.name}"


def create_action_item(*, actor, event, subject, params, dry_run):
    account = _account(subject, actor)
    plan = AccountPlan.objects.filter(account=account).order_by("-period", "-id").first()
    if plan is None:
        raise ValidationError({"plan": f"{account.name} has no account plan for the item."})
    description = from_event(params.get("description"), event).strip()[:300] or event.summary
    due = timezone.localdate() + timedelta(days=int(params.get("days") or 0))
    # The plan is its account manager's: the item is theirs, written as them.
    manager = account.account_manager if account.account_manager_id else actor
    if not manager.is_active:
        raise ValidationError({"plan": f"{manager} is no longer active."})
    if dry_run:
        return (
            f"Would add “{description}” for {manager.display_name}, due {due:%d %b %Y}, to {plan}"
        )
    item = account_action_save(
        actor=manager,
        plan=plan,
        data=ActionInput(description=description, owner=manager, due_date=due),
    )
    return f"Added the action item “{item.description}” due {due:%d %b %Y} to {plan}"


def register():
    register_workflow_action(
        WorkflowAction(
            "accounts.create_contact",
            "Create a contact",
            create_contact,
            params=(
                Param(
                    "first_name",
                    "First name",
                    required=False,
                    default="",
                    help="{data.first_name} takes it from the event's data.",
                ),
                Param("last_name", "Last name"),
                Param("email", "Email", required=False, default=""),
            ),
            records=("account", "contact", "deal", "call"),
            order=10,
        )
    )
    register_workflow_action(
        WorkflowAction(
            "accounts.create_action_item",
            "Create an action item on the account plan",
            create_action_item,
            params=(
                Param("description", "What to do", help="Empty: the event's summary."),
                Param("days", "Due in (days)", "int", default=7),
            ),
            records=("account", "contact", "deal", "call"),
            order=60,
        )
    )
