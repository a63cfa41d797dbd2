"""Writes for call management. Each step of a call's life is one service here.

planned -> completed -> debriefed -> reviewed, plus no_show (may still be debriefed),
rescheduled (a new planned call replaces it) and cancelled. The plan is frozen once
the call has happened. Every step records an event on the call that also shows in
the timeline of its contact, lead, account and deal.
"""

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Contact
from deals.models import Deal
from leads.models import Lead
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import notify

from .models import BankQuestion, Call, CallObjection, CallQuestion, CallType, Objection

RATING_KEYS = ("preparation", "questioning", "objection_handling", "next_step")
RATING_LABELS = {
    "preparation": "Preparation",
    "questioning": "Questioning",
    "objection_handling": "Objection handling",
    "next_step": "Next step secured",
}
TEXT_LIMIT = 300
LONG_TEXT_LIMIT = 4000
PLAN_FIELDS = (
    "scheduled_at",
    "planned_duration_minutes",
    "call_type",
    "channel",
    "purpose",
    "desired_outcome",
)
ABOUT_FIELDS = ("contact", "lead", "account", "deal")
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

STATUS_WORDS = {
    Call.Status.PLANNED: "is still planned",
    Call.Status.COMPLETED: "has already been logged",
    Call.Status.NO_SHOW: "was a no-show",
    Call.Status.DEBRIEFED: "has already been debriefed",
    Call.Status.REVIEWED: "has already been reviewed",
    Call.Status.RESCHEDULED: "was rescheduled",
    Call.Status.CANCELLED: "was cancelled",
}


# -- helpers ----------------------------------------------------------------------


def _also(call):
    return [call.contact, call.lead, call.account, call.deal]


def _lock(call: Call) -> Call:
    """The call's row, locked for this transaction, so two steps cannot race."""
    return (
        Call.objects.select_for_update(of=("self",)).select_related("owner__team").get(pk=call.pk)
    )


def _require_owner(actor: User, call: Call, doing: str):
    if call.owner_id != actor.pk:
        raise PermissionDenied(f"Only {call.owner.display_name}, who owns this call, can {doing}.")


def _require_status(call: Call, allowed, doing: str):
    if call.status not in allowed:
        raise ValidationError(
            {"status": f"You cannot {doing}: this call {STATUS_WORDS[call.status]}."},
            code="invalid_transition",
        )


def _require_admin(actor: User):
    if not actor.is_crm_admin:
        raise PermissionDenied("Only an admin can change call types and the objection library.")


def _text(value, field, *, required=False, limit=TEXT_LIMIT, message=""):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: "Give text here."})
    value = value.strip()
    if required and not value:
        raise ValidationError({field: message or "This is required."})
    if len(value) > limit:
        raise ValidationError({field: f"Keep it under {limit} characters."})
    return value


def _bool(value, field, label):
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError({field: f"{label}: say true or false."})


def _when(value, field="scheduled_at"):
    if not isinstance(value, datetime):
        raise ValidationError({field: "Give a date and time."})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _duration(value, field, *, low=1, high=600):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: "Give a whole number of minutes."})
    if not low <= value <= high:
        raise ValidationError({field: f"Give between {low} and {high} minutes."})
    return value


def _visible(model, actor, obj, field):
    if obj is None:
        return None
    if not isinstance(obj, model) or not model.objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise ValidationError({field: "This record does not exist or you cannot see it."})
    return obj


def _resolve_about(actor, *, contact, lead, account, deal, check_visibility=True):
    """Validate what the call is about and keep the account consistent with contact and deal."""
    if not any((contact, lead, account, deal)):
        raise ValidationError(
            {"contact": "Say who the call is with: a contact, lead, account or deal."}
        )
    if check_visibility:
        _visible(Contact, actor, contact, "contact")
        _visible(Lead, actor, lead, "lead")
        _visible(Account, actor, account, "account")
        _visible(Deal, actor, deal, "deal")
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


def _clean_questions(questions):
    """[{"text"} or "text", ...] -> [{"id"?, "text"}], blanks dropped, order kept."""
    if questions is None:
        return None
    if not isinstance(questions, (list, tuple)):
        raise ValidationError({"questions": "Give a list of questions."})
    cleaned = []
    for n, item in enumerate(questions, start=1):
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            raise ValidationError({"questions": f"Question {n}: give its text."})
        text = item.get("text")
        if not isinstance(text, str):
            raise ValidationError({"questions": f"Question {n}: give its text."})
        text = text.strip()
        if not text:
            continue
        if len(text) > TEXT_LIMIT:
            raise ValidationError(
                {"questions": f"Question {n} is longer than {TEXT_LIMIT} characters."}
            )
        cleaned.append({"id": item.get("id"), "text": text})
    return cleaned


def _clean_objections(objections):
    """[{"text", "planned_response", "objection"?}] -> cleaned dicts, blanks dropped."""
    if objections is None:
        return None
    if not isinstance(objections, (list, tuple)):
        raise ValidationError({"objections": "Give a list of objections."})
    cleaned = []
    for n, item in enumerate(objections, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"objections": f"Objection {n}: give its text."})
        library = item.get("objection") or item.get("library_objection")
        if library is not None and not isinstance(library, Objection):
            library = (
                Objection.objects.filter(pk=library).first() if str(library).isdigit() else None
            )
            if library is None:
                raise ValidationError(
                    {"objections": f"Objection {n}: pick one from the objection library."}
                )
        text = item.get("text") or ""
        response = item.get("planned_response") or ""
        if not isinstance(text, str) or not isinstance(response, str):
            raise ValidationError({"objections": f"Objection {n}: give its text."})
        text, response = text.strip(), response.strip()
        if library is not None:
            text = text or library.text
            response = response or library.suggested_response
        if not text:
            if response:
                raise ValidationError(
                    {"objections": f"Objection {n}: say which objection this response is for."}
                )
            continue
        if len(text) > TEXT_LIMIT:
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
            library = Objection.objects.filter(text__iexact=text).first()
        cleaned.append(
            {"id": item.get("id"), "text": text, "planned_response": response, "library": library}
        )
    return cleaned


def _bank_questions(call_type):
    if call_type is None:
        return []
    return [{"id": None, "text": q.text} for q in call_type.questions.order_by("order", "id")]


def _write_questions(call, questions):
    CallQuestion.objects.bulk_create(
        [CallQuestion(call=call, order=n, text=q["text"]) for n, q in enumerate(questions)]
    )


def _write_objections(call, objections):
    CallObjection.objects.bulk_create(
        [
            CallObjection(
                call=call,
                order=n,
                text=o["text"],
                planned_response=o["planned_response"],
                library_objection=o["library"],
                planned=True,
            )
            for n, o in enumerate(objections)
        ]
    )


def _reviewers_of(call):
    """The people who may review the call: the owner's team manager (admins always may)."""
    team = call.owner.team
    if team is None or team.manager_id is None or team.manager_id == call.owner_id:
        return []
    return [team.manager]


def may_review(user: User, call: Call) -> bool:
    if user.pk == call.owner_id:
        return False
    if user.is_crm_admin:
        return True
    team = call.owner.team
    return bool(team and team.manager_id == user.pk)


# -- plan -------------------------------------------------------------------------


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
    questions: list | None = None,
    objections: list | None = None,
    follow_up_of: Call | None = None,
    rescheduled_from: Call | None = None,
    check_visibility: bool = True,
) -> Call:
    """Plan a call. Without `questions`, the call type's question bank is the plan."""
    about = _resolve_about(
        actor,
        contact=contact,
        lead=lead,
        account=account,
        deal=deal,
        check_visibility=check_visibility,
    )
    if call_type is not None and not call_type.is_active:
        raise ValidationError({"call_type": "This call type is no longer in use."})
    if channel not in Call.Channel.values:
        raise ValidationError({"channel": "Choose phone, video or in person."})
    cleaned_questions = _clean_questions(questions)
    if cleaned_questions is None:
        cleaned_questions = _bank_questions(call_type)
    cleaned_objections = _clean_objections(objections) or []
    duration = _duration(planned_duration_minutes, "planned_duration_minutes", low=5, high=480)
    if duration is None:
        duration = call_type.default_duration_minutes if call_type else 30
    call = Call(
        owner=actor,
        scheduled_at=_when(scheduled_at),
        purpose=_text(
            purpose, "purpose", required=True, message="Say what this call is for: its purpose."
        ),
        desired_outcome=_text(desired_outcome, "desired_outcome"),
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
        also=_also(call),
    )
    return call


def _sync_rows(call, model, rows, apply):
    """Make the call's rows of `model` match `rows`: update by id, create new, delete the rest."""
    existing = {row.pk: row for row in model.objects.filter(call=call)}
    keep, create, update = set(), [], []
    for order, data in enumerate(rows):
        row_id = data.get("id")
        if row_id not in (None, ""):
            try:
                row = existing[int(row_id)]
            except (KeyError, TypeError, ValueError):
                field = "questions" if model is CallQuestion else "objections"
                raise ValidationError({field: f"Row {row_id} is not part of this call's plan."})
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


@transaction.atomic
def call_update_plan(*, actor: User, call: Call, data: dict) -> Call:
    """Change a planned call's plan. Questions and objections given replace the plan's."""
    call = _lock(call)
    _require_owner(actor, call, "change its plan")
    _require_status(call, (Call.Status.PLANNED,), "change the plan")
    changes = {}
    about = {f: data.get(f, getattr(call, f)) for f in ABOUT_FIELDS}
    if any(f in data for f in ABOUT_FIELDS):
        # only newly chosen records need to be visible; the old ones were checked at planning
        for field, model in zip(ABOUT_FIELDS, (Contact, Lead, Account, Deal), strict=True):
            if field in data and data[field] is not None and data[field] != getattr(call, field):
                _visible(model, actor, data[field], field)
        if "account" not in data and (
            ("contact" in data and data["contact"] != call.contact)
            or ("deal" in data and data["deal"] != call.deal)
        ):
            about["account"] = None  # derive it again from the new contact or deal
        about = _resolve_about(actor, check_visibility=False, **about)
    for field in ABOUT_FIELDS:
        if about[field] != getattr(call, field):
            changes[field] = [str(getattr(call, field) or ""), str(about[field] or "")]
            setattr(call, field, about[field])
    if "scheduled_at" in data:
        data["scheduled_at"] = _when(data["scheduled_at"])
    if "purpose" in data:
        data["purpose"] = _text(
            data["purpose"], "purpose", required=True, message="Say what this call is for."
        )
    if "desired_outcome" in data:
        data["desired_outcome"] = _text(data["desired_outcome"], "desired_outcome")
    if "channel" in data and data["channel"] not in Call.Channel.values:
        raise ValidationError({"channel": "Choose phone, video or in person."})
    if "planned_duration_minutes" in data:
        data["planned_duration_minutes"] = (
            _duration(data["planned_duration_minutes"], "planned_duration_minutes", low=5, high=480)
            or call.planned_duration_minutes
        )
    if (
        "call_type" in data
        and data["call_type"] is not None
        and data["call_type"] != call.call_type
        and not data["call_type"].is_active
    ):
        raise ValidationError({"call_type": "This call type is no longer in use."})
    for field in PLAN_FIELDS:
        if field in data and data[field] != getattr(call, field):
            before = getattr(call, field)
            changes[field] = [str(before) if before is not None else None, str(data[field])]
            setattr(call, field, data[field])
    questions = _clean_questions(data.get("questions"))
    objections = _clean_objections(data.get("objections"))
    call.full_clean(exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False)
    if questions is not None:
        before = list(call.questions.values_list("text", flat=True))

        def apply_question(row, item):
            row.text = item["text"]

        create, update, _ = _sync_rows(call, CallQuestion, questions, apply_question)
        CallQuestion.objects.bulk_create(create)
        CallQuestion.objects.bulk_update(update, ["order", "text"])
        if before != [q["text"] for q in questions]:
            changes["questions"] = [len(before), len(questions)]
    if objections is not None:
        before = list(call.objections.values_list("text", "planned_response"))

        def apply_objection(row, item):
            row.text = item["text"]
            row.planned_response = item["planned_response"]
            row.library_objection = item["library"]
            row.planned = True

        create, update, _ = _sync_rows(call, CallObjection, objections, apply_objection)
        CallObjection.objects.bulk_create(create)
        CallObjection.objects.bulk_update(
            update, ["order", "text", "planned_response", "library_objection"]
        )
        if before != [(o["text"], o["planned_response"]) for o in objections]:
            changes["objections"] = [len(before), len(objections)]
    call.save()
    if changes:
        record_event(
            subject=call,
            name="call.plan_updated",
            actor=actor,
            summary="Call plan changed: " + ", ".join(sorted(changes)).replace("_", " "),
            data={"changes": changes},
            also=_also(call),
        )
    return call


# -- execute ----------------------------------------------------------------------


def _apply_question_results(call, questions):
    rows = {q.pk: q for q in call.questions.all()}
    seen = set()
    for n, item in enumerate(questions or [], start=1):
        if not isinstance(item, dict):
            raise ValidationError({"questions": f"Item {n}: give the question's id and asked."})
        try:
            row = rows[int(item.get("id"))]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                {"questions": f"Question {item.get('id')} is not one of this call's questions."}
            )
        asked = item.get("asked", False)
        if not isinstance(asked, bool):
            raise ValidationError({"questions": f"Question {row.pk}: asked must be true or false."})
        answer = item.get("answer") or ""
        if not isinstance(answer, str) or len(answer) > LONG_TEXT_LIMIT:
            raise ValidationError(
                {
                    "questions": f"Question {row.pk}: give the answer as text (under 4000 characters)."
                }
            )
        row.asked = asked
        row.answer = answer.strip() if asked else ""
        seen.add(row.pk)
    for pk, row in rows.items():
        if pk not in seen:
            row.asked, row.answer = False, ""
    CallQuestion.objects.bulk_update(rows.values(), ["asked", "answer"])
    return rows


def _apply_objection_results(call, objections):
    rows = {o.pk: o for o in call.objections.all()}
    seen = set()
    new = []
    next_order = max((o.order for o in rows.values()), default=-1) + 1
    for n, item in enumerate(objections or [], start=1):
        if not isinstance(item, dict):
            raise ValidationError({"objections": f"Item {n}: give the objection's id or text."})
        response = item.get("response_given") or ""
        if not isinstance(response, str) or len(response) > LONG_TEXT_LIMIT:
            raise ValidationError(
                {"objections": f"Item {n}: give the response as text (under 4000 characters)."}
            )
        handled = _bool(item.get("handled_well"), "objections", f"Item {n}, handled_well")
        if item.get("id") not in (None, ""):
            try:
                row = rows[int(item["id"])]
            except (KeyError, TypeError, ValueError):
                raise ValidationError(
                    {"objections": f"Objection {item['id']} is not one of this call's objections."}
                )
            encountered = item.get("encountered", True)
            if not isinstance(encountered, bool):
                raise ValidationError(
                    {"objections": f"Objection {row.pk}: encountered must be true or false."}
                )
            row.encountered = encountered
            row.response_given = response.strip() if encountered else ""
            row.handled_well = handled if encountered else None
            seen.add(row.pk)
            continue
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            if response.strip():
                raise ValidationError(
                    {"objections": f"Item {n}: say which objection the buyer raised."}
                )
            continue
        text = text.strip()
        if len(text) > TEXT_LIMIT:
            raise ValidationError(
                {"objections": f"Item {n}: keep the objection under {TEXT_LIMIT} characters."}
            )
        if item.get("encountered", True) is False:
            continue  # a new objection that did not come up is no objection at all
        new.append(
            CallObjection(
                call=call,
                order=next_order,
                text=text,
                planned=False,
                encountered=True,
                response_given=response.strip(),
                handled_well=handled,
                library_objection=Objection.objects.filter(text__iexact=text).first(),
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


def _follow_up_type(call):
    return (
        CallType.objects.filter(is_active=True, name__iexact="follow-up").first() or call.call_type
    )


@transaction.atomic
def call_complete(
    *,
    actor: User,
    call: Call,
    outcome: str,
    questions: list | None = None,
    objections: list | None = None,
    next_steps: str = "",
    duration_minutes: int | None = None,
    follow_up_at: datetime | None = None,
) -> Call:
    """Log a call that was held: questions asked and answers, objections met, outcome.

    With `follow_up_at` the follow-up call is planned straight away, prefilled with
    the next steps and the questions that were not asked.
    """
    call = _lock(call)
    _require_owner(actor, call, "log it")
    _require_status(call, (Call.Status.PLANNED,), "log this call")
    outcome = _text(
        outcome, "outcome", required=True, limit=LONG_TEXT_LIMIT, message="Say how the call went."
    )
    next_steps = _text(next_steps, "next_steps", limit=LONG_TEXT_LIMIT)
    duration = _duration(duration_minutes, "duration_minutes")
    if follow_up_at is not None:
        follow_up_at = _when(follow_up_at, "follow_up_at")
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
        also=_also(call),
    )
    if follow_up_at is not None:
        call_plan_follow_up(actor=actor, call=call, scheduled_at=follow_up_at)
    return call


@transaction.atomic
def call_plan_follow_up(*, actor: User, call: Call, scheduled_at: datetime) -> Call:
    """One click after a call: the next call about the same people, prefilled."""
    if call.owner_id != actor.pk:
        raise PermissionDenied("Only the owner of the call plans its follow-up.")
    if call.status in (Call.Status.PLANNED, Call.Status.CANCELLED, Call.Status.RESCHEDULED):
        raise ValidationError({"status": "Plan a follow-up once the call has been held."})
    initial = follow_up_initial(call)
    return call_plan(
        actor=actor,
        scheduled_at=scheduled_at,
        check_visibility=False,
        follow_up_of=call,
        **initial,
    )


def follow_up_initial(call: Call) -> dict:
    """What a follow-up plan starts from: the next steps and the questions not yet asked."""
    call_type = _follow_up_type(call)
    carried = [q.text for q in call.questions.all() if q.asked is False]
    bank = [q["text"] for q in _bank_questions(call_type)]
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
        "questions": [{"text": t} for t in questions],
        "objections": [
            {
                "text": o.text,
                "planned_response": o.response_given or o.planned_response,
                "objection": o.library_objection,
            }
            for o in call.objections.all()
            if o.encountered and o.handled_well is not True
        ],
    }


@transaction.atomic
def call_mark_no_show(*, actor: User, call: Call, note: str = "") -> Call:
    """The buyer did not turn up. The rep may still debrief it."""
    call = _lock(call)
    _require_owner(actor, call, "mark it as a no-show")
    _require_status(call, (Call.Status.PLANNED,), "mark this call as a no-show")
    note = _text(note, "note", limit=LONG_TEXT_LIMIT)
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
        also=_also(call),
    )
    return call


@transaction.atomic
def call_reschedule(*, actor: User, call: Call, scheduled_at: datetime, reason: str = "") -> Call:
    """The call moves: this one is closed as rescheduled and a new planned call keeps the plan."""
    call = _lock(call)
    _require_owner(actor, call, "reschedule it")
    _require_status(call, (Call.Status.PLANNED,), "reschedule this call")
    scheduled_at = _when(scheduled_at)
    reason = _text(reason, "reason")
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
        also=_also(call),
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
        questions=[{"text": q.text} for q in call.questions.all()],
        objections=[
            {
                "text": o.text,
                "planned_response": o.planned_response,
                "objection": o.library_objection,
            }
            for o in call.objections.filter(planned=True)
        ],
        follow_up_of=call.follow_up_of,
        rescheduled_from=call,
        check_visibility=False,
    )


@transaction.atomic
def call_cancel(*, actor: User, call: Call, reason: str = "") -> Call:
    call = _lock(call)
    _require_owner(actor, call, "cancel it")
    _require_status(call, (Call.Status.PLANNED,), "cancel this call")
    reason = _text(reason, "reason")
    call.status = Call.Status.CANCELLED
    call.cancel_reason = reason
    call.save(update_fields=["status", "cancel_reason", "updated_at"])
    record_event(
        subject=call,
        name="call.cancelled",
        actor=actor,
        summary=f"Call cancelled: {call.purpose}" + (f" ({reason})" if reason else ""),
        data={"reason": reason},
        also=_also(call),
    )
    return call


@transaction.atomic
def call_delete(*, actor: User, call: Call) -> None:
    """Remove a plan that never happened (planned or cancelled). History stays otherwise."""
    call = _lock(call)
    _require_owner(actor, call, "delete it")
    _require_status(call, (Call.Status.PLANNED, Call.Status.CANCELLED), "delete this call")
    record_event(
        subject=call,
        name="call.deleted",
        actor=actor,
        summary=f"Planned call deleted: {call.purpose}",
        data={"purpose": call.purpose, "scheduled_at": call.scheduled_at.isoformat()},
        also=_also(call),
    )
    call.delete()


# -- debrief and review -----------------------------------------------------------


def _clean_reasons(call, unasked_reasons):
    """{question id: reason} from [{"question", "reason"}] or a dict."""
    if unasked_reasons is None:
        return {}
    if isinstance(unasked_reasons, dict):
        unasked_reasons = [{"question": k, "reason": v} for k, v in unasked_reasons.items()]
    if not isinstance(unasked_reasons, (list, tuple)):
        raise ValidationError({"unasked_reasons": "Give a list of question ids and reasons."})
    unasked = {q.pk: q for q in call.questions.all() if q.asked is False}
    reasons = {}
    for n, item in enumerate(unasked_reasons, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"unasked_reasons": f"Item {n}: give a question and a reason."})
        try:
            pk = int(item.get("question"))
        except (TypeError, ValueError):
            pk = None
        if pk not in unasked:
            raise ValidationError(
                {"unasked_reasons": f"Question {item.get('question')} is not one you left unasked."}
            )
        reason = item.get("reason") or ""
        if not isinstance(reason, str) or len(reason.strip()) > TEXT_LIMIT:
            raise ValidationError(
                {"unasked_reasons": f"Item {n}: give the reason as text under 300 characters."}
            )
        reasons[pk] = reason.strip()
    return reasons


def _clean_problems(unresolved):
    if unresolved is None:
        return []
    if not isinstance(unresolved, (list, tuple)):
        raise ValidationError({"unresolved": "Give a list of problems with proposed solutions."})
    problems = []
    for n, item in enumerate(unresolved, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"unresolved": f"Item {n}: give a problem."})
        problem = item.get("problem") or ""
        solution = item.get("proposed_solution") or ""
        if not isinstance(problem, str) or not isinstance(solution, str):
            raise ValidationError({"unresolved": f"Item {n}: give the problem as text."})
        problem, solution = problem.strip(), solution.strip()
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


@transaction.atomic
def call_debrief(
    *,
    actor: User,
    call: Call,
    went_well: str = "",
    unasked_reasons: list | dict | None = None,
    unresolved: list | None = None,
    request_review: bool = True,
) -> Call:
    """Reflect on the call: what went well, why questions went unasked, open problems."""
    call = _lock(call)
    _require_owner(actor, call, "debrief it")
    _require_status(call, (Call.Status.COMPLETED, Call.Status.NO_SHOW), "debrief this call")
    held = call.result == Call.Result.HELD
    went_well = _text(
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
    if not isinstance(request_review, bool):
        raise ValidationError({"request_review": "Say true or false."})
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
        also=_also(call),
    )
    if request_review:
        _notify_reviewers(call)
    return call


def _notify_reviewers(call):
    for manager in _reviewers_of(call):
        notify(
            recipient=manager,
            text=f"{call.owner.display_name} asks you to review a call: {call.purpose}",
            url=reverse("calls:call_review", args=[call.pk]),
            key=f"call-review-requested-{call.pk}",
            email=True,
        )


@transaction.atomic
def call_request_review(*, actor: User, call: Call) -> Call:
    """Ask for a review of a call debriefed without asking for one."""
    call = _lock(call)
    _require_owner(actor, call, "ask for its review")
    _require_status(call, (Call.Status.DEBRIEFED,), "ask for a review")
    if call.review_requested_at is not None:
        raise ValidationError({"status": "You have already asked for a review of this call."})
    call.review_requested_at = timezone.now()
    call.save(update_fields=["review_requested_at", "updated_at"])
    record_event(
        subject=call,
        name="call.review_requested",
        actor=actor,
        summary="Review requested",
        also=_also(call),
    )
    _notify_reviewers(call)
    return call


def _clean_ratings(ratings):
    if not isinstance(ratings, dict):
        raise ValidationError(
            {"ratings": "Rate preparation, questioning, objection handling and next step, 1 to 5."}
        )
    cleaned = {}
    for key in RATING_KEYS:
        value = ratings.get(key)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError({"ratings": f"Rate {RATING_LABELS[key].lower()} from 1 to 5."})
        cleaned[key] = value
    unknown = sorted(set(ratings) - set(RATING_KEYS))
    if unknown:
        raise ValidationError({"ratings": f"Unknown rating: {', '.join(map(str, unknown))}."})
    return cleaned


@transaction.atomic
def call_review(
    *,
    actor: User,
    call: Call,
    feedback: str,
    ratings: dict,
    coaching_points: str = "",
) -> Call:
    """The owner's manager (or an admin) gives feedback and rates the call; the rep is told."""
    call = _lock(call)
    if not may_review(actor, call):
        if actor.pk == call.owner_id:
            raise PermissionDenied("You cannot review your own call: your manager reviews it.")
        raise PermissionDenied("Only the owner's manager or an admin can review this call.")
    _require_status(call, (Call.Status.DEBRIEFED,), "review this call")
    feedback = _text(
        feedback,
        "feedback",
        required=True,
        limit=LONG_TEXT_LIMIT,
        message="Give the rep your feedback on the call.",
    )
    coaching_points = _text(coaching_points, "coaching_points", limit=LONG_TEXT_LIMIT)
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
        also=_also(call),
    )
    notify(
        recipient=call.owner,
        text=f"{actor.display_name} reviewed your call: {call.purpose}",
        url=reverse("calls:call_detail", args=[call.pk]),
        key=f"call-reviewed-{call.pk}",
        email=True,
    )
    return call


@transaction.atomic
def call_acknowledge_review(*, actor: User, call: Call) -> Call:
    call = _lock(call)
    _require_owner(actor, call, "acknowledge its review")
    _require_status(call, (Call.Status.REVIEWED,), "acknowledge a review")
    if call.acknowledged_at is not None:
        raise ValidationError({"status": "You have already acknowledged this review."})
    call.acknowledged_at = timezone.now()
    call.save(update_fields=["acknowledged_at", "updated_at"])
    record_event(
        subject=call,
        name="call.review_acknowledged",
        actor=actor,
        summary="Review acknowledged",
        also=_also(call),
    )
    return call


# -- admin: call types, question banks, objection library -------------------------


def _clean_bank(questions):
    cleaned = _clean_questions(questions or [])
    return [q["text"] for q in cleaned]


def _call_type_fields(data, call_type):
    name = _text(
        data.get("name", call_type.name),
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
    call_type.description = _text(data.get("description", call_type.description), "description")
    if "default_duration_minutes" in data:
        call_type.default_duration_minutes = (
            _duration(data["default_duration_minutes"], "default_duration_minutes", low=5, high=480)
            or 30
        )
    if "order" in data:
        order = data["order"]
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 1000:
            raise ValidationError({"order": "Give a position from 0 to 1000."})
        call_type.order = order
    if "is_active" in data:
        call_type.is_active = bool(data["is_active"])
    return call_type


@transaction.atomic
def call_type_create(*, actor: User, data: dict) -> CallType:
    _require_admin(actor)
    call_type = _call_type_fields(data, CallType())
    bank = _clean_bank(data.get("questions"))
    call_type.save()
    BankQuestion.objects.bulk_create(
        [BankQuestion(call_type=call_type, order=n, text=t) for n, t in enumerate(bank)]
    )
    record_event(
        subject=call_type,
        name="call_type.created",
        actor=actor,
        summary=f"Call type {call_type.name} created with {len(bank)} questions",
    )
    return call_type


@transaction.atomic
def call_type_update(*, actor: User, call_type: CallType, data: dict) -> CallType:
    """Change a call type; `questions` (texts, in order) replaces its question bank.

    Plans already made keep their own copy of the questions.
    """
    _require_admin(actor)
    call_type = CallType.objects.select_for_update().get(pk=call_type.pk)
    _call_type_fields(data, call_type)
    call_type.save()
    summary = f"Call type {call_type.name} updated"
    if "questions" in data:
        bank = _clean_bank(data["questions"])
        call_type.questions.all().delete()
        BankQuestion.objects.bulk_create(
            [BankQuestion(call_type=call_type, order=n, text=t) for n, t in enumerate(bank)]
        )
        summary += f"; question bank has {len(bank)} questions"
    record_event(subject=call_type, name="call_type.updated", actor=actor, summary=summary)
    return call_type


@transaction.atomic
def call_type_delete(*, actor: User, call_type: CallType) -> None:
    _require_admin(actor)
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


def _objection_fields(data, objection):
    text = _text(
        data.get("text", objection.text),
        "text",
        required=True,
        message="Say what the buyer objects.",
    )
    clash = Objection.objects.filter(text__iexact=text)
    if objection.pk:
        clash = clash.exclude(pk=objection.pk)
    if clash.exists():
        raise ValidationError({"text": "This objection is already in the library."})
    objection.text = text
    objection.suggested_response = _text(
        data.get("suggested_response", objection.suggested_response),
        "suggested_response",
        limit=LONG_TEXT_LIMIT,
    )
    objection.category = _text(data.get("category", objection.category), "category", limit=60)
    if "is_active" in data:
        objection.is_active = bool(data["is_active"])
    return objection


@transaction.atomic
def objection_create(*, actor: User, data: dict) -> Objection:
    _require_admin(actor)
    objection = _objection_fields(data, Objection())
    objection.save()
    record_event(
        subject=objection,
        name="objection.created",
        actor=actor,
        summary=f"Objection added to the library: {objection.text}",
    )
    return objection


@transaction.atomic
def objection_update(*, actor: User, objection: Objection, data: dict) -> Objection:
    _require_admin(actor)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    _objection_fields(data, objection)
    objection.save()
    record_event(
        subject=objection,
        name="objection.updated",
        actor=actor,
        summary=f"Objection updated: {objection.text}",
    )
    return objection


@transaction.atomic
def objection_delete(*, actor: User, objection: Objection) -> None:
    """Calls that used it keep their own text and response."""
    _require_admin(actor)
    record_event(
        subject=objection,
        name="objection.deleted",
        actor=actor,
        summary=f"Objection removed from the library: {objection.text}",
    )
    objection.delete()


# -- calendar feed ----------------------------------------------------------------


@transaction.atomic
def calendar_token_regenerate(*, actor: User) -> str:
    """A new private feed address; the old one stops working at once."""
    actor.calendar_token = secrets.token_urlsafe(32)
    actor.save(update_fields=["calendar_token"])
    record_event(
        subject=actor,
        name="calendar.token_created",
        actor=actor,
        summary="Calendar feed address renewed",
    )
    return actor.calendar_token


@transaction.atomic
def calendar_token_revoke(*, actor: User) -> None:
    if not actor.calendar_token:
        return
    actor.calendar_token = ""
    actor.save(update_fields=["calendar_token"])
    record_event(
        subject=actor,
        name="calendar.token_revoked",
        actor=actor,
        summary="Calendar feed turned off",
    )


# -- handing a person's records to someone else (salesproc.handover) -------------------


def call_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    """Planned calls go to to_user; held calls stay with whoever held them."""
    from salesproc.handover import reassign_owned

    return reassign_owned(
        Call.objects.filter(status=Call.Status.PLANNED),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="call.reassigned",
    )
