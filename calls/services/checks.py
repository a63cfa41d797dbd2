"""The checks every step of a call shares: who may do it, from which status, and text."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from calls.models import Call
from salesproc.models import User

TEXT_LIMIT = 300
LONG_TEXT_LIMIT = 4000


class Unchanged:
    """The default of a plan field a change leaves alone (None is a value: "no deal")."""

    def __bool__(self):
        return False

    def __repr__(self):
        return "UNCHANGED"


UNCHANGED = Unchanged()

STATUS_WORDS = {
    Call.Status.PLANNED: "is still planned",
    Call.Status.COMPLETED: "has already been logged",
    Call.Status.NO_SHOW: "was a no-show",
    Call.Status.DEBRIEFED: "has already been debriefed",
    Call.Status.REVIEWED: "has already been reviewed",
    Call.Status.RESCHEDULED: "was rescheduled",
    Call.Status.CANCELLED: "was cancelled",
}


def also(call):
    """The records whose timelines show the call's events."""
    return [call.contact, call.lead, call.account, call.deal]


def lock(call: Call) -> Call:
    """The call's row, locked for this transaction, so two steps cannot race."""
    return (
        Call.objects.select_for_update(of=("self",)).select_related("owner__team").get(pk=call.pk)
    )


def require_owner(actor: User, call: Call, doing: str):
    """Only the owner plans, logs, debriefs a call: the one place this is decided."""
    if call.owner_id != actor.pk:
        raise PermissionDenied(f"Only {call.owner.display_name}, who owns this call, can {doing}.")


def require_status(call: Call, allowed, doing: str):
    if call.status not in allowed:
        raise ValidationError(
            {"status": f"You cannot {doing}: this call {STATUS_WORDS[call.status]}."},
            code="invalid_transition",
        )


def require_admin(actor: User):
    if not actor.is_crm_admin:
        raise PermissionDenied("Only an admin can change call types and the objection library.")


def text(value: str | None, field, *, required=False, limit=TEXT_LIMIT, message=""):
    """Stripped text within `limit`; `required` refuses a blank one with `message`."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or "This is required."})
    if len(value) > limit:
        raise ValidationError({field: f"Keep it under {limit} characters."})
    return value


def minutes(value: int | None, field, *, low=1, high=600):
    if value is None:
        return None
    if not low <= value <= high:
        raise ValidationError({field: f"Give between {low} and {high} minutes."})
    return value


def aware(value: datetime) -> datetime:
    """A time from a form may be naive: it is in the site's time zone."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value
