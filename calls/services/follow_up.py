"""A call's follow-up: the next call about the same people, prefilled from this one.

One follow-up per call: a second one is planned only when the rep asks for it.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from calls.inputs import PlannedObjection, PlannedQuestion
from calls.models import Call, CallType
from salesproc.models import User

from .checks import TEXT_LIMIT, require_owner
from .planning import bank_questions, call_plan


def _follow_up_type(call):
    return (
        CallType.objects.filter(is_active=True, name__iexact="follow-up").first() or call.call_type
    )


def follow_up_initial(call: Call) -> dict:
    """What a follow-up plan starts from: the next steps and the questions not yet asked."""
    call_type = _follow_up_type(call)
    carried = [q.text for q in call.questions.all() if q.asked is False]
    bank = [q.text for q in bank_questions(call_type)]
    questions = carried + [q for q in bank if q not in carried]
    first_step = (call.next_steps or "").strip().splitlines()
    purpose = (first_step[0] if first_step else f"Follow up on: {call.purpose}")[:TEXT_LIMIT]
    return {
        "contact": call.contact,
        "lead": call.lead,
        "account": call.account,
        "deal": call.deal,
        "call_type": call_type,
        "channel": call.channel,
        "purpose": purpose,
        "desired_outcome": call.desired_outcome,
        "questions": [PlannedQuestion(text=t) for t in questions],
        "objections": [
            PlannedObjection(
                text=o.text,
                planned_response=o.response_given or o.planned_response,
                library=o.library_objection,
            )
            for o in call.objections.all()
            if o.encountered and o.handled_well is not True
        ],
    }


@transaction.atomic
def call_plan_follow_up(
    *, actor: User, call: Call, scheduled_at: datetime, another: bool = False
) -> Call:
    """One click after a call: the next call about the same people, prefilled.

    Refused when a follow-up is already planned, unless the rep asks for `another`.
    """
    require_owner(actor, call, "plan its follow-up")
    if call.status in (Call.Status.PLANNED, Call.Status.CANCELLED, Call.Status.RESCHEDULED):
        raise ValidationError({"status": "Plan a follow-up once the call has been held."})
    initial = follow_up_initial(call)
    return call_plan(
        actor=actor,
        scheduled_at=scheduled_at,
        check_visibility=False,
        follow_up_of=call,
        another_follow_up=another,
        **initial,
    )
