"""Admin settings: call types and their question banks (what a new plan starts from)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from calls.inputs import CallTypeInput, PlannedQuestion
from calls.models import BankQuestion, CallType
from salesproc.events import record_event
from salesproc.models import User

from .checks import minutes, require_admin, text
from .planning import clean_questions


def _bank(questions: list[str]):
    return [q.text for q in clean_questions([PlannedQuestion(text=t) for t in questions])]


def _apply(data: CallTypeInput, call_type: CallType) -> CallType:
    name = text(
        data.name if data.name is not None else call_type.name,
        "name",
        required=True,
        limit=80,
        message="A call type needs a name.",
    )
    clash = CallType.objects.filter(name__iexact=name)
    if call_type.pk:
        clash = clash.exclude(pk=call_type.pk)
    if clash.exists():
        raise ValidationError({"name": f"A call type called “{name}” already exists."})
    call_type.name = name
    if data.description is not None:
        call_type.description = text(data.description, "description")
    if data.default_duration_minutes is not None:
        call_type.default_duration_minutes = minutes(
            data.default_duration_minutes, "default_duration_minutes", low=5, high=480
        )
    if data.order is not None:
        if not 0 <= data.order <= 1000:
            raise ValidationError({"order": "Give a position from 0 to 1000."})
        call_type.order = data.order
    if data.is_active is not None:
        call_type.is_active = data.is_active
    return call_type


def _write_bank(call_type, bank):
    BankQuestion.objects.bulk_create(
        [BankQuestion(call_type=call_type, order=n, text=t) for n, t in enumerate(bank)]
    )


@transaction.atomic
def call_type_create(*, actor: User, data: CallTypeInput) -> CallType:
    require_admin(actor)
    call_type = _apply(data, CallType())
    bank = _bank(data.questions or [])
    call_type.save()
    _write_bank(call_type, bank)
    record_event(
        subject=call_type,
        name="call_type.created",
        actor=actor,
        summary=f"Call type {call_type.name} created with {len(bank)} questions",
    )
    return call_type


@transaction.atomic
def call_type_update(*, actor: User, call_type: CallType, data: CallTypeInput) -> CallType:
    """Change a call type; `questions` (texts, in order) replaces its question bank.

    Plans already made keep their own copy of the questions.
    """
    require_admin(actor)
    call_type = CallType.objects.select_for_update().get(pk=call_type.pk)
    _apply(data, call_type)
    call_type.save()
    summary = f"Call type {call_type.name} updated"
    if data.questions is not None:
        bank = _bank(data.questions)
        call_type.questions.all().delete()
        _write_bank(call_type, bank)
        summary += f"; question bank has {len(bank)} questions"
    record_event(subject=call_type, name="call_type.updated", actor=actor, summary=summary)
    return call_type


@transaction.atomic
def call_type_delete(*, actor: User, call_type: CallType) -> None:
    require_admin(actor)
    used = call_type.calls.count()
    if used:
        raise ValidationError(
            {"name": f"{used} calls use “{call_type.name}”. Mark it inactive instead."}
        )
    record_event(
        subject=call_type,
        name="call_type.deleted",
        actor=actor,
        summary=f"Call type {call_type.name} deleted",
    )
    call_type.delete()
