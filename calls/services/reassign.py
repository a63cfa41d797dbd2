"""Giving one planned call to someone else (a manager spreads the team's calls)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from calls.models import Call
from salesproc.access import get_visible_or_404
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import check_owner, notify

from .checks import also, require_status


@transaction.atomic
def call_reassign(*, actor: User, call: Call, owner: User | None) -> Call:
    """The planned call goes to `owner`: someone the actor may give calls to (themselves,
    a managed team's member, anyone for an admin). A call another team owns is a 404; a
    call already held, cancelled or moved keeps the owner who had it."""
    call = get_visible_or_404(Call.objects.all(), actor, call.pk, for_write=True)
    require_status(call, (Call.Status.PLANNED,), "reassign this call")
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": f"{owner.display_name} can no longer sign in."})
    check_owner(actor=actor, owner=owner, records="calls")
    if owner.pk == call.owner_id:
        return call
    before = User.objects.get(pk=call.owner_id)
    call.owner = owner
    call.save(update_fields=["owner", "updated_at"])
    record_event(
        subject=call,
        name="call.reassigned",
        actor=actor,
        summary=f"Owner changed from {before.display_name} to {owner.display_name}",
        data={"owner": [before.display_name, owner.display_name], "handover": False},
        also=also(call),
    )
    if owner.pk != actor.pk:
        notify(
            recipient=owner,
            text=f"{actor.display_name} gave you a call: {call.purpose}",
            url=call.get_absolute_url(),
        )
    return call
