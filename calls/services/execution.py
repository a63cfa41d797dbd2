"""Logging a call: held (questions asked, objections met, outcome) or a no-show."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calls.inputs import ObjectionResult, QuestionResult
from calls.models import Call, CallObjection, CallQuestion, Objection
from salesproc.events import record_event
from salesproc.models import User

from .checks import (
    LONG_TEXT_LIMIT,
    TEXT_LIMIT,
    also,
    aware,
    lock,
    minutes,
    require_owner,
    require_status,
    text,
)
from .follow_up import call_plan_follow_up


def _apply_question_results(call, questions: list[QuestionResult]):
    rows = {q.pk: q for q in call.questions.all()}
    seen = set()
    for result in questions:
        row = rows.get(result.id)
        if row is None:
            raise ValidationError(
                {"questions": f"Question {result.id} is not one of this call's questions."}
            )
        if len(result.answer) > LONG_TEXT_LIMIT:
            raise ValidationError(
                {"questions": f"Question {row.pk}: keep the answer under 4000 characters."}
            )
        row.asked = result.asked
        row.answer = result.answer.strip() if result.asked else ""
        seen.add(row.pk)
    for pk, row in rows.items():
        if pk not in seen:
            row.asked, row.answer = False, ""
    CallQuestion.objects.bulk_update(rows.values(), ["asked", "answer"])
    return rows


def _apply_objection_results(call, objections: list[ObjectionResult]):
    rows = {o.pk: o for o in call.objections.all()}
    seen = set()
    new = []
    next_order = max((o.order for o in rows.values()), default=-1) + 1
    for n, result in enumerate(objections, start=1):
        response = result.response_given.strip()
        if len(response) > LONG_TEXT_LIMIT:
            raise ValidationError(
                {"objections": f"Item {n}: keep the response under 4000 characters."}
            )
        if result.id is not None:
            row = rows.get(result.id)
            if row is None:
                raise ValidationError(
                    {"objections": f"Objection {result.id} is not one of this call's objections."}
                )
            row.encountered = result.encountered
            row.response_given = response if result.encountered else ""
            row.handled_well = result.handled_well if result.encountered else None
            seen.add(row.pk)
            continue
        body = result.text.strip()
        if not body:
            if response:
                raise ValidationError(
                    {"objections": f"Item {n}: say which objection the buyer raised."}
                )
            continue
        if len(body) > TEXT_LIMIT:
            raise ValidationError(
                {"objections": f"Item {n}: keep the objection under {TEXT_LIMIT} characters."}
            )
        if not result.encountered:
            continue  # a new objection that did not come up is no objection at all
        new.append(
            CallObjection(
                call=call,
                order=next_order,
                text=body,
                planned=False,
                encountered=True,
                response_given=response,
                handled_well=result.handled_well,
                library_objection=Objection.objects.filter(text__iexact=body).first(),
            )
        )
        next_order += 1
    for pk, row in rows.items():
        if pk not in seen:
            row.encountered, row.response_given, row.handled_well = False, "", None
    CallObjection.objects.bulk_update(
        rows.values(), ["encountered", "response_given", "handled_well"]
    )
    CallObjection.objects.bulk_create(new)
    return len([r for r in rows.values() if r.encountered]) + len(new)


def require_loggable(actor: User, call: Call):
    """A call must be planned to be logged, and only its owner logs it."""
    require_owner(actor, call, "log it")
    require_status(call, (Call.Status.PLANNED,), "log this call")


@transaction.atomic
def call_complete(
    *,
    actor: User,
    call: Call,
    outcome: str,
    questions: list[QuestionResult] = (),
    objections: list[ObjectionResult] = (),
    next_steps: str = "",
    duration_minutes: int | None = None,
    follow_up_at: datetime | None = None,
) -> Call:
    """Log a call that was held: questions asked and answers, objections met, outcome.

    A call must be planned to be logged, and a held call says how it went: both rules
    live here only. With `follow_up_at` the follow-up call is planned straight away,
    prefilled with the next steps and the questions that were not asked.
    """
    call = lock(call)
    require_loggable(actor, call)
    outcome = text(
        outcome, "outcome", required=True, limit=LONG_TEXT_LIMIT, message="Say how the call went."
    )
    next_steps = text(next_steps, "next_steps", limit=LONG_TEXT_LIMIT)
    duration = minutes(duration_minutes, "duration_minutes")
    if follow_up_at is not None:
        follow_up_at = aware(follow_up_at)
        if follow_up_at <= call.scheduled_at:
            raise ValidationError({"follow_up_at": "The follow-up comes after this call."})
    rows = _apply_question_results(call, questions)
    met = _apply_objection_results(call, objections)
    call.status = Call.Status.COMPLETED
    call.result = Call.Result.HELD
    call.completed_at = timezone.now()
    call.duration_minutes = duration
    call.outcome = outcome
    call.next_steps = next_steps
    call.save(
        update_fields=[
            "status",
            "result",
            "completed_at",
            "duration_minutes",
            "outcome",
            "next_steps",
            "updated_at",
        ]
    )
    asked = sum(1 for r in rows.values() if r.asked)
    record_event(
        subject=call,
        name="call.completed",
        actor=actor,
        summary=f"Call held: {call.purpose}. Asked {asked} of {len(rows)} planned questions.",
        data={
            "asked": asked,
            "planned_questions": len(rows),
            "objections_met": met,
            "duration_minutes": duration,
        },
        also=also(call),
    )
    if follow_up_at is not None:
        call_plan_follow_up(actor=actor, call=call, scheduled_at=follow_up_at)
    return call


@transaction.atomic
def call_mark_no_show(*, actor: User, call: Call, note: str = "") -> Call:
    """The buyer did not turn up. The rep may still debrief it."""
    call = lock(call)
    require_owner(actor, call, "mark it as a no-show")
    require_status(call, (Call.Status.PLANNED,), "mark this call as a no-show")
    note = text(note, "note", limit=LONG_TEXT_LIMIT)
    call.status = Call.Status.NO_SHOW
    call.result = Call.Result.NO_SHOW
    call.completed_at = timezone.now()
    call.outcome = note
    call.save(update_fields=["status", "result", "completed_at", "outcome", "updated_at"])
    call.questions.update(asked=False, answer="")
    call.objections.update(encountered=False, response_given="", handled_well=None)
    record_event(
        subject=call,
        name="call.no_show",
        actor=actor,
        summary=f"No-show: {call.purpose}",
        data={"note": note},
        also=also(call),
    )
    return call
