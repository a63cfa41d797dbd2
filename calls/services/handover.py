"""Handing a person's planned calls to someone else (salesproc.handover runs the job)."""

from calls.models import Call
from salesproc.handover import reassign_owned
from salesproc.models import User


def call_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    """Planned calls go to to_user; held calls stay with whoever held them."""
    return reassign_owned(
        Call.objects.filter(status=Call.Status.PLANNED),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="call.reassigned",
    )
