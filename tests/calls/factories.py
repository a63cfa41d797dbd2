"""Factories for call management: call types with a question bank, library objections,
and calls driven through the real services to any point of their life."""

from datetime import timedelta

import factory
from django.utils import timezone

from calls import services
from calls.inputs import (
    ObjectionResult,
    PlannedObjection,
    PlannedQuestion,
    Problem,
    QuestionResult,
    Ratings,
    UnaskedReason,
)
from calls.models import BankQuestion, Call, CallType, Objection
from tests.factories import ContactFactory


class CallTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallType
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Call type {n}")
    default_duration_minutes = 30

    @factory.post_generation
    def bank(obj, create, extracted, **kwargs):
        if not create:
            return
        texts = extracted if extracted is not None else ["What is the budget?", "Who decides?"]
        BankQuestion.objects.bulk_create(
            [BankQuestion(call_type=obj, order=n, text=t) for n, t in enumerate(texts)]
        )


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection
        django_get_or_create = ("text",)

    text = factory.Sequence(lambda n: f"Objection {n}")
    suggested_response = "Here is how others solved it."


def planned_questions(rows):
    """Test shorthand: "text" or {"text", "id"?} -> PlannedQuestion."""
    return [PlannedQuestion(text=r) if isinstance(r, str) else PlannedQuestion(**r) for r in rows]


def planned_objections(rows):
    """Test shorthand: {"text", "planned_response", "objection" (a library pk)?}."""
    shaped = []
    for r in rows:
        r = dict(r)
        library = r.pop("objection", None)
        if library is not None and not isinstance(library, Objection):
            library = Objection.objects.get(pk=library)
        shaped.append(PlannedObjection(library=library, **r))
    return shaped


def question_results(rows):
    return [r if isinstance(r, QuestionResult) else QuestionResult(**r) for r in rows]


def objection_results(rows):
    return [r if isinstance(r, ObjectionResult) else ObjectionResult(**r) for r in rows]


def plan(owner, *, contact=None, when=None, questions=None, objections=None, **kwargs):
    """A planned call by `owner` about a contact of theirs (made if not given)."""
    if contact is None and not any(k in kwargs for k in ("lead", "account", "deal")):
        contact = ContactFactory(owner=owner)
    return services.call_plan(
        actor=owner,
        contact=contact,
        scheduled_at=when or timezone.now() + timedelta(days=1),
        purpose=kwargs.pop("purpose", "Find out who decides"),
        questions=planned_questions(questions if questions is not None else ["Q1", "Q2"]),
        objections=planned_objections(
            objections
            if objections is not None
            else [{"text": "Too expensive", "planned_response": "Show the payback"}]
        ),
        **kwargs,
    )


def complete(call, *, asked=(True, False), outcome="They want a demo", **kwargs):
    """Log the call as held; asked[i] says whether the i-th question was asked."""
    questions = list(call.questions.order_by("order", "id"))
    results = [
        QuestionResult(id=q.pk, asked=a, answer=f"answer {n}" if a else "")
        for n, (q, a) in enumerate(zip(questions, asked, strict=False))
    ]
    if "objections" in kwargs:
        kwargs["objections"] = objection_results(kwargs["objections"])
    return services.call_complete(
        actor=call.owner, call=call, outcome=outcome, questions=results, **kwargs
    )


def debrief(call, *, request_review=True, **kwargs):
    reasons = [
        UnaskedReason(question=q.pk, reason="Ran out of time")
        for q in call.questions.filter(asked=False)
    ]
    return services.call_debrief(
        actor=call.owner,
        call=call,
        went_well=kwargs.pop("went_well", "Good rapport"),
        unasked_reasons=reasons,
        unresolved=[
            Problem(**p)
            for p in kwargs.pop(
                "unresolved", [{"problem": "Legal review", "proposed_solution": "Send the DPA"}]
            )
        ],
        request_review=request_review,
    )


RATINGS = {"preparation": 4, "questioning": 3, "objection_handling": 5, "next_step": 2}


def review(call, reviewer, **kwargs):
    return services.call_review(
        actor=reviewer,
        call=call,
        feedback=kwargs.pop("feedback", "Ask about budget earlier"),
        ratings=Ratings(**kwargs.pop("ratings", RATINGS)),
        coaching_points=kwargs.pop("coaching_points", "Practise the budget question"),
    )


def call_in_status(owner, status, reviewer=None, **kwargs):
    call = plan(owner, **kwargs)
    if status == Call.Status.PLANNED:
        return call
    if status == Call.Status.CANCELLED:
        return services.call_cancel(actor=owner, call=call)
    if status == Call.Status.NO_SHOW:
        return services.call_mark_no_show(actor=owner, call=call)
    if status == Call.Status.RESCHEDULED:
        services.call_reschedule(
            actor=owner, call=call, scheduled_at=call.scheduled_at + timedelta(days=2)
        )
        return Call.objects.get(pk=call.pk)
    call = complete(call)
    if status == Call.Status.COMPLETED:
        return call
    call = debrief(call)
    if status == Call.Status.DEBRIEFED:
        return call
    return review(call, reviewer)
