"""After the call: the rep's debrief, the review the rep asks for, the manager's review
and the rep's acknowledgement. Reviewers and reps hear of it through the events these
record (calls.notifications subscribes to them)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from calls.inputs import Problem, Ratings, UnaskedReason
from calls.models import Call, CallQuestion
from salesproc.events import record_event
from salesproc.models import User

from .checks import (
    LONG_TEXT_LIMIT,
    TEXT_LIMIT,
    also,
    lock,
    require_owner,
    require_status,
    text,
)

RATING_KEYS = ("preparation", "questioning", "objection_handling", "next_step")
RATING_LABELS = {
    "preparation": "Preparation",
    "questioning": "Questioning",
    "objection_handling": "Objection handling",
    "next_step": "Next step secured",
}


def may_review(user: User, call: Call) -> bool:
    """The owner's team manager or an admin reviews a call, never its owner."""
    if user.pk == call.owner_id:
        return False
    if user.is_crm_admin:
        return True
    team = call.owner.team
    return bool(team and team.manager_id == user.pk)


# -- debrief ------------------------------------------------------------------------


def _clean_reasons(call, unasked_reasons: list[UnaskedReason]):
    """{question id: reason}, for questions the rep left unasked only."""
    unasked = {q.pk for q in call.questions.all() if q.asked is False}
    reasons = {}
    for n, item in enumerate(unasked_reasons, start=1):
        if item.question not in unasked:
            raise ValidationError(
                {"unasked_reasons": f"Question {item.question} is not one you left unasked."}
            )
        reason = item.reason.strip()
        if len(reason) > TEXT_LIMIT:
            raise ValidationError(
                {"unasked_reasons": f"Item {n}: give the reason as text under 300 characters."}
            )
        reasons[item.question] = reason
    return reasons


def _clean_problems(unresolved: list[Problem]):
    problems = []
    for n, item in enumerate(unresolved, start=1):
        problem, solution = item.problem.strip(), item.proposed_solution.strip()
        if not problem:
            if solution:
                raise ValidationError(
                    {"unresolved": f"Item {n}: say which problem this solution is for."}
                )
            continue
        if len(problem) > LONG_TEXT_LIMIT or len(solution) > LONG_TEXT_LIMIT:
            raise ValidationError({"unresolved": f"Item {n}: keep it under 4000 characters."})
        problems.append({"problem": problem, "proposed_solution": solution})
    return problems


def require_debriefable(actor: User, call: Call):
    """The owner debriefs a call once it has been logged (held or a no-show)."""
    require_owner(actor, call, "debrief it")
    require_status(call, (Call.Status.COMPLETED, Call.Status.NO_SHOW), "debrief this call")


@transaction.atomic
def call_debrief(
    *,
    actor: User,
    call: Call,
    went_well: str = "",
    unasked_reasons: list[UnaskedReason] = (),
    unresolved: list[Problem] = (),
    request_review: bool = True,
) -> Call:
    """Reflect on the call: what went well, why questions went unasked, open problems."""
    call = lock(call)
    require_debriefable(actor, call)
    held = call.result == Call.Result.HELD
    went_well = text(
        went_well,
        "went_well",
        required=held,
        limit=LONG_TEXT_LIMIT,
        message="Say what went well on the call.",
    )
    reasons = _clean_reasons(call, unasked_reasons)
    unasked = [q for q in call.questions.all() if q.asked is False]
    if held:
        missing = [q for q in unasked if not reasons.get(q.pk)]
        if missing:
            raise ValidationError(
                {"unasked_reasons": [f"Say why you did not ask: “{q.text}”." for q in missing]}
            )
    for q in unasked:
        q.unasked_reason = reasons.get(q.pk, "")
    CallQuestion.objects.bulk_update(unasked, ["unasked_reason"])
    now = timezone.now()
    call.went_well = went_well
    call.unresolved_problems = _clean_problems(unresolved)
    call.status = Call.Status.DEBRIEFED
    call.debriefed_at = now
    call.review_requested_at = now if request_review else None
    call.save(
        update_fields=[
            "went_well",
            "unresolved_problems",
            "status",
            "debriefed_at",
            "review_requested_at",
            "updated_at",
        ]
    )
    record_event(
        subject=call,
        name="call.debriefed",
        actor=actor,
        summary=f"Call debriefed: {call.purpose}"
        + (" (review requested)" if request_review else ""),
        data={
            "unasked": len(unasked),
            "unresolved": len(call.unresolved_problems),
            "review_requested": request_review,
        },
        also=also(call),
    )
    return call


@transaction.atomic
def call_request_review(*, actor: User, call: Call) -> Call:
    """Ask for a review of a call debriefed without asking for one."""
    call = lock(call)
    require_owner(actor, call, "ask for its review")
    require_status(call, (Call.Status.DEBRIEFED,), "ask for a review")
    if call.review_requested_at is not None:
        raise ValidationError({"status": "You have already asked for a review of this call."})
    call.review_requested_at = timezone.now()
    call.save(update_fields=["review_requested_at", "updated_at"])
    record_event(
        subject=call,
        name="call.review_requested",
        actor=actor,
        summary="Review requested",
        also=also(call),
    )
    return call


# -- review -------------------------------------------------------------------------


def require_reviewer(actor: User, call: Call):
    if not may_review(actor, call):
        if actor.pk == call.owner_id:
            raise PermissionDenied("You cannot review your own call: your manager reviews it.")
        raise PermissionDenied("Only the owner's manager or an admin can review this call.")


def require_reviewable(actor: User, call: Call):
    """The owner's manager or an admin reviews a call once it has been debriefed."""
    require_reviewer(actor, call)
    require_status(call, (Call.Status.DEBRIEFED,), "review this call")


def _clean_ratings(ratings: Ratings):
    cleaned = {}
    for key in RATING_KEYS:
        value = getattr(ratings, key)
        if value is None or not 1 <= value <= 5:
            raise ValidationError({"ratings": f"Rate {RATING_LABELS[key].lower()} from 1 to 5."})
        cleaned[key] = value
    return cleaned


@transaction.atomic
def call_review(
    *,
    actor: User,
    call: Call,
    feedback: str,
    ratings: Ratings,
    coaching_points: str = "",
) -> Call:
    """The owner's manager (or an admin) gives feedback and rates the call; the rep is told."""
    call = lock(call)
    require_reviewable(actor, call)
    feedback = text(
        feedback,
        "feedback",
        required=True,
        limit=LONG_TEXT_LIMIT,
        message="Give the rep your feedback on the call.",
    )
    coaching_points = text(coaching_points, "coaching_points", limit=LONG_TEXT_LIMIT)
    cleaned = _clean_ratings(ratings)
    call.reviewer = actor
    call.feedback = feedback
    call.coaching_points = coaching_points
    call.rating_preparation = cleaned["preparation"]
    call.rating_questioning = cleaned["questioning"]
    call.rating_objection_handling = cleaned["objection_handling"]
    call.rating_next_step = cleaned["next_step"]
    call.status = Call.Status.REVIEWED
    call.reviewed_at = timezone.now()
    call.save(
        update_fields=[
            "reviewer",
            "feedback",
            "coaching_points",
            "rating_preparation",
            "rating_questioning",
            "rating_objection_handling",
            "rating_next_step",
            "status",
            "reviewed_at",
            "updated_at",
        ]
    )
    record_event(
        subject=call,
        name="call.reviewed",
        actor=actor,
        summary=f"Call reviewed by {actor.display_name}",
        data={"ratings": cleaned},
        also=also(call),
    )
    return call


@transaction.atomic
def call_acknowledge_review(*, actor: User, call: Call) -> Call:
    call = lock(call)
    require_owner(actor, call, "acknowledge its review")
    require_status(call, (Call.Status.REVIEWED,), "acknowledge a review")
    if call.acknowledged_at is not None:
        raise ValidationError({"status": "You have already acknowledged this review."})
    call.acknowledged_at = timezone.now()
    call.save(update_fields=["acknowledged_at", "updated_at"])
    record_event(
        subject=call,
        name="call.review_acknowledged",
        actor=actor,
        summary="Review acknowledged",
        also=also(call),
    )
    return call
