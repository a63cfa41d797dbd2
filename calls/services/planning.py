"""Planning a call: what it is about, its questions and objections, and changing the plan
before the call."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Contact
from calls.inputs import PlannedObjection, PlannedQuestion
from calls.models import Call, CallObjection, CallQuestion, CallType, Objection
from calls.selectors import planned_follow_up
from deals.models import Deal
from leads.models import Lead
from salesproc.events import record_event
from salesproc.models import User

from .checks import (
    LONG_TEXT_LIMIT,
    TEXT_LIMIT,
    UNCHANGED,
    Unchanged,
    also,
    aware,
    lock,
    minutes,
    require_owner,
    require_status,
    text,
)

PLAN_FIELDS = (
    "scheduled_at",
    "planned_duration_minutes",
    "call_type",
    "channel",
    "purpose",
    "desired_outcome",
)
ABOUT_FIELDS = ("contact", "lead", "account", "deal")
ABOUT_MODELS = {"contact": Contact, "lead": Lead, "account": Account, "deal": Deal}
FOREIGN_KEYS = [
    "owner",
    "contact",
    "account",
    "deal",
    "lead",
    "call_type",
    "follow_up_of",
    "rescheduled_from",
    "reviewer",
]


# -- what the call is about ---------------------------------------------------------


def _require_visible(actor, field, obj):
    if obj is None:
        return
    model = ABOUT_MODELS[field]
    if not model.objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise ValidationError({field: "This record does not exist or you cannot see it."})


def _resolve_about(actor, *, contact, lead, account, deal, check_visibility=True):
    """Say who the call is with, and keep the account consistent with contact and deal.

    The one place the rule "a call is about someone" lives: forms and serializers
    show this error.
    """
    if not any((contact, lead, account, deal)):
        raise ValidationError(
            {"contact": "Say who the call is with: a contact, lead, account or deal."}
        )
    if check_visibility:
        for field, obj in (("contact", contact), ("lead", lead), ("account", account)):
            _require_visible(actor, field, obj)
        _require_visible(actor, "deal", deal)
    if contact is not None and contact.account_id:
        if account is None:
            account = contact.account
        elif account.pk != contact.account_id:
            raise ValidationError({"contact": f"{contact.full_name} works at another account."})
    if deal is not None:
        if account is None:
            account = deal.account
        elif account.pk != deal.account_id:
            raise ValidationError({"deal": f"The deal “{deal.name}” is with another account."})
    return {"contact": contact, "lead": lead, "account": account, "deal": deal}


# -- questions and objections of a plan ----------------------------------------------


def clean_questions(questions: list[PlannedQuestion] | None):
    """Blank questions dropped, order kept; None stays None (no questions given)."""
    if questions is None:
        return None
    cleaned = []
    for n, question in enumerate(questions, start=1):
        body = question.text.strip()
        if not body:
            continue
        if len(body) > TEXT_LIMIT:
            raise ValidationError(
                {"questions": f"Question {n} is longer than {TEXT_LIMIT} characters."}
            )
        cleaned.append(PlannedQuestion(text=body, id=question.id))
    return cleaned


def _clean_objections(objections: list[PlannedObjection] | None):
    """Library objections filled in, blank rows dropped, each tied to the library if it matches."""
    if objections is None:
        return None
    cleaned = []
    for n, objection in enumerate(objections, start=1):
        library = objection.library
        body, response = objection.text.strip(), objection.planned_response.strip()
        if library is not None:
            body = body or library.text
            response = response or library.suggested_response
        if not body:
            if response:
                raise ValidationError(
                    {"objections": f"Objection {n}: say which objection this response is for."}
                )
            continue
        if len(body) > TEXT_LIMIT:
            raise ValidationError(
                {"objections": f"Objection {n} is longer than {TEXT_LIMIT} characters."}
            )
        if len(response) > LONG_TEXT_LIMIT:
            raise ValidationError(
                {
                    "objections": f"Objection {n}: keep the response under {LONG_TEXT_LIMIT} characters."
                }
            )
        if library is None:
            library = Objection.objects.filter(text__iexact=body).first()
        cleaned.append(
            PlannedObjection(text=body, planned_response=response, library=library, id=objection.id)
        )
    return cleaned


def bank_questions(call_type):
    if call_type is None:
        return []
    return [PlannedQuestion(text=q.text) for q in call_type.questions.order_by("order", "id")]


def _write_questions(call, questions):
    CallQuestion.objects.bulk_create(
        [CallQuestion(call=call, order=n, text=q.text) for n, q in enumerate(questions)]
    )


def _write_objections(call, objections):
    CallObjection.objects.bulk_create(
        [
            CallObjection(
                call=call,
                order=n,
                text=o.text,
                planned_response=o.planned_response,
                library_objection=o.library,
                planned=True,
            )
            for n, o in enumerate(objections)
        ]
    )


def _sync_rows(call, model, rows, apply):
    """Make the call's rows of `model` match `rows`: update by id, create new, delete the rest."""
    existing = {row.pk: row for row in model.objects.filter(call=call)}
    keep, create, update = set(), [], []
    for order, data in enumerate(rows):
        if data.id is not None:
            row = existing.get(data.id)
            if row is None:
                field = "questions" if model is CallQuestion else "objections"
                raise ValidationError({field: f"Row {data.id} is not part of this call's plan."})
            keep.add(row.pk)
            row.order = order
            apply(row, data)
            update.append(row)
        else:
            row = model(call=call, order=order)
            apply(row, data)
            create.append(row)
    removed = [pk for pk in existing if pk not in keep]
    if removed:
        model.objects.filter(pk__in=removed).delete()
    return create, update, removed


def _require_channel(channel):
    if channel not in Call.Channel.values:
        raise ValidationError({"channel": "Choose phone, video or in person."})


def _require_active_type(call_type):
    if call_type is not None and not call_type.is_active:
        raise ValidationError({"call_type": "This call type is no longer in use."})


def _refuse_second_follow_up(call):
    planned = planned_follow_up(call)
    if planned is not None:
        raise ValidationError(
            {
                "follow_up": f"A follow-up is already planned for this call: “{planned.purpose}”. "
                "Plan another only if you mean to."
            },
            code="follow_up_exists",
        )


# -- plan -------------------------------------------------------------------------


def plan_defaults(*, about_deal: bool = False) -> dict:
    """What a new plan starts from: a follow-up type about a deal, else discovery."""
    call_types = list(CallType.objects.filter(is_active=True).order_by("order", "name"))
    wanted = "follow-up" if about_deal else "discovery"
    call_type = next((t for t in call_types if t.name.lower() == wanted), None) or (
        call_types[0] if call_types else None
    )
    return {
        "call_type": call_type,
        "planned_duration_minutes": call_type.default_duration_minutes if call_type else 30,
        "channel": Call.Channel.PHONE,
    }


@transaction.atomic
def call_plan(
    *,
    actor: User,
    scheduled_at: datetime,
    purpose: str,
    contact: Contact | None = None,
    lead: Lead | None = None,
    account: Account | None = None,
    deal: Deal | None = None,
    call_type: CallType | None = None,
    channel: str = Call.Channel.PHONE,
    planned_duration_minutes: int | None = None,
    desired_outcome: str = "",
    questions: list[PlannedQuestion] | None = None,
    objections: list[PlannedObjection] | None = None,
    follow_up_of: Call | None = None,
    rescheduled_from: Call | None = None,
    another_follow_up: bool = False,
    check_visibility: bool = True,
) -> Call:
    """Plan a call. Without `questions`, the call type's question bank is the plan.

    A call has one follow-up: a second one is planned only with `another_follow_up`.
    """
    if follow_up_of is not None:
        require_owner(actor, follow_up_of, "plan its follow-up")
        if not another_follow_up:
            _refuse_second_follow_up(follow_up_of)
    about = _resolve_about(
        actor,
        contact=contact,
        lead=lead,
        account=account,
        deal=deal,
        check_visibility=check_visibility,
    )
    _require_active_type(call_type)
    _require_channel(channel)
    cleaned_questions = clean_questions(questions)
    if cleaned_questions is None:
        cleaned_questions = bank_questions(call_type)
    cleaned_objections = _clean_objections(objections) or []
    duration = minutes(planned_duration_minutes, "planned_duration_minutes", low=5, high=480)
    if duration is None:
        duration = call_type.default_duration_minutes if call_type else 30
    call = Call(
        owner=actor,
        scheduled_at=aware(scheduled_at),
        purpose=text(
            purpose, "purpose", required=True, message="Say what this call is for: its purpose."
        ),
        desired_outcome=text(desired_outcome, "desired_outcome"),
        call_type=call_type,
        channel=channel,
        planned_duration_minutes=duration,
        follow_up_of=follow_up_of,
        rescheduled_from=rescheduled_from,
        **about,
    )
    call.full_clean(exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False)
    call.save()
    _write_questions(call, cleaned_questions)
    _write_objections(call, cleaned_objections)
    record_event(
        subject=call,
        name="call.planned",
        actor=actor,
        summary=f"Call planned for {timezone.localtime(call.scheduled_at):%d %b %H:%M}: "
        f"{call.purpose}",
        data={
            "scheduled_at": call.scheduled_at.isoformat(),
            "questions": len(cleaned_questions),
            "objections": len(cleaned_objections),
            "follow_up_of": follow_up_of.pk if follow_up_of else None,
            "rescheduled_from": rescheduled_from.pk if rescheduled_from else None,
        },
        also=also(call),
    )
    return call


def _new_about(actor, call, given):
    """The records the changed plan is about; only newly chosen ones need to be visible."""
    for field, value in given.items():
        if value is not UNCHANGED and value is not None and value != getattr(call, field):
            _require_visible(actor, field, value)
    about = {f: getattr(call, f) if v is UNCHANGED else v for f, v in given.items()}
    if given["account"] is UNCHANGED and (
        (given["contact"] is not UNCHANGED and given["contact"] != call.contact)
        or (given["deal"] is not UNCHANGED and given["deal"] != call.deal)
    ):
        about["account"] = None  # derive it again from the new contact or deal
    return _resolve_about(actor, check_visibility=False, **about)


@transaction.atomic
def call_update_plan(
    *,
    actor: User,
    call: Call,
    scheduled_at: datetime | Unchanged = UNCHANGED,
    purpose: str | Unchanged = UNCHANGED,
    contact: Contact | None | Unchanged = UNCHANGED,
    lead: Lead | None | Unchanged = UNCHANGED,
    account: Account | None | Unchanged = UNCHANGED,
    deal: Deal | None | Unchanged = UNCHANGED,
    call_type: CallType | None | Unchanged = UNCHANGED,
    channel: str | Unchanged = UNCHANGED,
    planned_duration_minutes: int | None | Unchanged = UNCHANGED,
    desired_outcome: str | Unchanged = UNCHANGED,
    questions: list[PlannedQuestion] | None = None,
    objections: list[PlannedObjection] | None = None,
) -> Call:
    """Change a planned call's plan. Only the arguments given change (each is typed as in
    `call_plan`); questions and objections given replace the plan's, keeping rows by id."""
    call = lock(call)
    require_owner(actor, call, "change its plan")
    require_status(call, (Call.Status.PLANNED,), "change the plan")
    changes = {}
    given_about = {"contact": contact, "lead": lead, "account": account, "deal": deal}
    if any(v is not UNCHANGED for v in given_about.values()):
        for field, value in _new_about(actor, call, given_about).items():
            if value != getattr(call, field):
                changes[field] = [str(getattr(call, field) or ""), str(value or "")]
                setattr(call, field, value)
    plan = {}
    if scheduled_at is not UNCHANGED:
        plan["scheduled_at"] = aware(scheduled_at)
    if purpose is not UNCHANGED:
        plan["purpose"] = text(
            purpose, "purpose", required=True, message="Say what this call is for."
        )
    if desired_outcome is not UNCHANGED:
        plan["desired_outcome"] = text(desired_outcome, "desired_outcome")
    if channel is not UNCHANGED:
        _require_channel(channel)
        plan["channel"] = channel
    if planned_duration_minutes is not UNCHANGED:
        plan["planned_duration_minutes"] = (
            minutes(planned_duration_minutes, "planned_duration_minutes", low=5, high=480)
            or call.planned_duration_minutes
        )
    if call_type is not UNCHANGED:
        if call_type != call.call_type:
            _require_active_type(call_type)
        plan["call_type"] = call_type
    for field, value in plan.items():
        if value != getattr(call, field):
            before = getattr(call, field)
            changes[field] = [str(before) if before is not None else None, str(value)]
            setattr(call, field, value)
    questions = clean_questions(questions)
    objections = _clean_objections(objections)
    call.full_clean(exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False)
    if questions is not None:
        before = list(call.questions.values_list("text", flat=True))

        def apply_question(row, item):
            row.text = item.text

        create, update, _ = _sync_rows(call, CallQuestion, questions, apply_question)
        CallQuestion.objects.bulk_create(create)
        CallQuestion.objects.bulk_update(update, ["order", "text"])
        if before != [q.text for q in questions]:
            changes["questions"] = [len(before), len(questions)]
    if objections is not None:
        before = list(call.objections.values_list("text", "planned_response"))

        def apply_objection(row, item):
            row.text = item.text
            row.planned_response = item.planned_response
            row.library_objection = item.library
            row.planned = True

        create, update, _ = _sync_rows(call, CallObjection, objections, apply_objection)
        CallObjection.objects.bulk_create(create)
        CallObjection.objects.bulk_update(
            update, ["order", "text", "planned_response", "library_objection"]
        )
        if before != [(o.text, o.planned_response) for o in objections]:
            changes["objections"] = [len(before), len(objections)]
    call.save()
    if changes:
        record_event(
            subject=call,
            name="call.plan_updated",
            actor=actor,
            summary="Call plan changed: " + ", ".join(sorted(changes)).replace("_", " "),
            data={"changes": changes},
            also=also(call),
        )
    return call
