"""The workflow actions the shell provides: notify a person in the app."""

import zlib

from django.core.exceptions import ValidationError

from .registry import Param, WorkflowAction, register_workflow_action
from .services import notify

RECIPIENTS = (
    ("owner", "The record's owner"),
    ("manager", "The owner's manager"),
    ("user", "A person of the owner's team (below)"),
)


def fill(template, *, event, subject):
    """A message with {record}, {summary} and {event} filled in (plain replacement: no
    format() on a template an admin wrote)."""
    return (
        str(template)
        .replace("{record}", str(subject))
        .replace("{summary}", event.summary)
        .replace("{event}", event.name)
    )


def _recipient(*, actor, params):
    owner = actor  # the rule acts for the record's owner
    which = params.get("recipient") or "owner"
    if which == "owner":
        return owner
    if which == "manager":
        manager = owner.team.manager if owner.team_id else None
        if manager is None or not manager.is_active:
            raise ValidationError({"recipient": f"{owner} has no manager to notify."})
        return manager
    from .models import User

    user = User.objects.filter(pk=params.get("user") or None, is_active=True).first()
    if user is None:
        raise ValidationError({"user": "Choose the person to notify."})
    # Never across teams: someone of the owner's team, its manager, or an admin.
    same_team = owner.team_id and (
        user.team_id == owner.team_id or owner.team_id in user.managed_team_ids
    )
    if not (same_team or user.is_crm_admin or user.pk == owner.pk):
        raise ValidationError({"user": f"{user} is not in {owner}'s team."})
    return user


def notify_user(*, actor, event, subject, params, dry_run):
    recipient = _recipient(actor=actor, params=params)
    text = fill(params.get("message") or "{record}: {summary}", event=event, subject=subject)
    if dry_run:
        return f"Would notify {recipient.display_name}: {text}"
    url = ""
    try:
        url = subject.get_absolute_url()
    except Exception:  # a record without a page
        url = ""
    notify(
        recipient=recipient,
        text=text,
        url=url,
        key=f"workflow-notify-{event.pk}-{recipient.pk}-{zlib.crc32(text.encode())}",
    )
    return f"Notified {recipient.display_name}: {text}"


def register():
    register_workflow_action(
        WorkflowAction(
            "salesproc.notify",
            "Notify a person in the app",
            notify_user,
            params=(
                Param("recipient", "Who", "choice", choices=RECIPIENTS, default="owner"),
                Param("user", "Person (for “a person”)", "user", required=False),
                Param(
                    "message",
                    "Message",
                    help="{record}, {summary} and {event} are filled in.",
                    default="{record}: {summary}",
                ),
            ),
            order=90,
        )
    )
