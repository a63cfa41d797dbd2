"""A call that does not happen as planned: moved to another time, cancelled, or deleted."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from calls.inputs import PlannedObjection, PlannedQuestion
from calls.models import Call
from salesproc.events import record_event
from salesproc.models import User
from salesproc.softdelete import move_to_bin

from .checks import also, aware, lock, require_owner, require_status, text
from .planning import call_plan


@transaction.atomic
def call_reschedule(*, actor: User, call: Call, scheduled_at: datetime, reason: str = "") -> Call:
    """The call moves: this one is closed as rescheduled and a new planned call keeps the plan."""
    call = lock(call)
    require_owner(actor, call, "reschedule it")
    require_status(call, (Call.Status.PLANNED,), "reschedule this call")
    scheduled_at = aware(scheduled_at)
    reason = text(reason, "reason")
    call.status = Call.Status.RESCHEDULED
    call.result = Call.Result.RESCHEDULED
    call.completed_at = timezone.now()
    call.outcome = reason
    call.save(update_fields=["status", "result", "completed_at", "outcome", "updated_at"])
    record_event(
        subject=call,
        name="call.rescheduled",
        actor=actor,
        summary=f"Call moved to {timezone.localtime(scheduled_at):%d %b %H:%M}"
        + (f": {reason}" if reason else ""),
        data={"to": scheduled_at.isoformat(), "reason": reason},
        also=also(call),
    )
    return call_plan(
        actor=actor,
        scheduled_at=scheduled_at,
        purpose=call.purpose,
        contact=call.contact,
        lead=call.lead,
        account=call.account,
        deal=call.deal,
        call_type=call.call_type if call.call_type and call.call_type.is_active else None,
        channel=call.channel,
        planned_duration_minutes=call.planned_duration_minutes,
        desired_outcome=call.desired_outcome,
        questions=[PlannedQuestion(text=q.text) for q in call.questions.all()],
        objections=[
            PlannedObjection(
                text=o.text, planned_response=o.planned_response, library=o.library_objection
            )
            for o in call.objections.filter(planned=True)
        ],
        follow_up_of=call.follow_up_of,
        rescheduled_from=call,
        another_follow_up=True,  # it replaces this call, it is not one more follow-up
        check_visibility=False,
    )


@transaction.atomic
def call_cancel(*, actor: User, call: Call, reason: str = "") -> Call:
    call = lock(call)
    require_owner(actor, call, "cancel it")
    require_status(call, (Call.Status.PLANNED,), "cancel this call")
    reason = text(reason, "reason")
    call.status = Call.Status.CANCELLED
    call.cancel_reason = reason
    call.save(update_fields=["status", "cancel_reason", "updated_at"])
    record_event(
        subject=call,
        name="call.cancelled",
        actor=actor,
        summary=f"Call cancelled: {call.purpose}" + (f" ({reason})" if reason else ""),
        data={"reason": reason},
        also=also(call),
    )
    return call


@transaction.atomic
def call_delete(*, actor: User, call: Call) -> None:
    """Remove a plan that never happened (planned or cancelled). History stays otherwise."""
    call = lock(call)
    require_owner(actor, call, "delete it")
    require_status(call, (Call.Status.PLANNED, Call.Status.CANCELLED), "delete this call")
    record_event(
        subject=call,
        name="call.deleted",
        actor=actor,
        summary=f"Planned call deleted: {call.purpose}",
        data={"purpose": call.purpose, "scheduled_at": call.scheduled_at.isoformat()},
        also=also(call),
    )
    move_to_bin(call, actor=actor)
