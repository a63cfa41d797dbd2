"""The call's life through the services: plan -> complete -> debrief -> review, and
every transition that is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from calls import services
from calls.inputs import Problem, UnaskedReason
from calls.models import Call, CallObjection
from calls.selectors import questions_not_asked
from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory

from .factories import (
    CallTypeFactory,
    ObjectionFactory,
    call_in_status,
    complete,
    debrief,
    objection_results,
    plan,
    planned_questions,
    question_results,
    review,
)

pytestmark = pytest.mark.django_db


def test_it_plans_a_call_with_questions_and_objections(rep):
    # given a contact of the rep at an account
    contact = ContactFactory(owner=rep)

    # when the rep plans a call about them
    call = plan(
        rep,
        contact=contact,
        questions=[{"text": "Who signs?"}, "What is the budget?", {"text": "  "}],
        objections=[{"text": "No budget", "planned_response": "Phase it"}],
        desired_outcome="A demo with the CFO",
    )

    # then it is planned, with its account taken from the contact, and the rows in order
    assert call.status == Call.Status.PLANNED
    assert call.owner == rep
    assert call.account == contact.account
    assert call.desired_outcome == "A demo with the CFO"
    assert list(call.questions.values_list("order", "text")) == [
        (0, "Who signs?"),
        (1, "What is the budget?"),
    ]
    assert list(call.objections.values_list("text", "planned_response", "planned")) == [
        ("No budget", "Phase it", True)
    ]


def test_it_prefills_the_questions_from_the_call_types_bank(rep):
    discovery = CallTypeFactory(name="Discovery", bank=["Why now?", "Who else decides?"])

    call = services.call_plan(
        actor=rep,
        contact=ContactFactory(owner=rep),
        scheduled_at=timezone.now() + timedelta(hours=3),
        purpose="Qualify",
        call_type=discovery,
    )

    assert list(call.questions.values_list("text", flat=True)) == ["Why now?", "Who else decides?"]
    assert call.planned_duration_minutes == 30


def test_it_fills_an_objection_picked_from_the_library(rep):
    library = ObjectionFactory(text="We use a competitor", suggested_response="Ask what is missing")

    call = plan(rep, objections=[{"objection": library.pk}])

    row = call.objections.get()
    assert (row.text, row.planned_response, row.library_objection) == (
        "We use a competitor",
        "Ask what is missing",
        library,
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"purpose": "  "}, "purpose"),
        ({"purpose": "x" * 301}, "purpose"),
        ({"channel": "fax"}, "channel"),
        ({"questions": [{"text": "q" * 301}]}, "questions"),
        ({"objections": [{"text": "", "planned_response": "orphan"}]}, "objections"),
        ({"planned_duration_minutes": 2}, "planned_duration_minutes"),
    ],
)
def test_it_refuses_a_bad_plan_and_writes_nothing(rep, kwargs, field):
    with pytest.raises(ValidationError) as error:
        plan(rep, **kwargs)

    assert field in error.value.message_dict
    assert Call.objects.count() == 0


def test_it_needs_something_the_call_is_about(rep):
    with pytest.raises(ValidationError) as error:
        services.call_plan(
            actor=rep, scheduled_at=timezone.now(), purpose="Chat", questions=[], objections=[]
        )

    assert error.value.message_dict == {
        "contact": ["Say who the call is with: a contact, lead, account or deal."]
    }


def test_it_keeps_the_account_consistent_with_contact_and_deal(rep):
    contact = ContactFactory(owner=rep)
    other_account = AccountFactory(owner=rep)
    deal_elsewhere = DealFactory(owner=rep, account=other_account)

    with pytest.raises(ValidationError) as by_account:
        plan(rep, contact=contact, account=other_account)
    with pytest.raises(ValidationError) as by_deal:
        plan(rep, contact=contact, deal=deal_elsewhere)

    assert "contact" in by_account.value.message_dict
    assert by_deal.value.message_dict == {
        "deal": [f"The deal “{deal_elsewhere.name}” is with another account."]
    }
    assert Call.objects.count() == 0


def test_it_takes_the_account_from_a_deal_and_accepts_a_lead(rep):
    deal = DealFactory(owner=rep)
    lead = LeadFactory(owner=rep)

    about_deal = plan(rep, contact=None, deal=deal)
    about_lead = plan(rep, contact=None, lead=lead)

    assert about_deal.account == deal.account
    assert (about_lead.lead, about_lead.account) == (lead, None)


def test_it_refuses_records_the_rep_cannot_see(rep, other_rep):
    theirs = ContactFactory(owner=other_rep)

    with pytest.raises(ValidationError) as error:
        plan(rep, contact=theirs)

    assert error.value.message_dict == {
        "contact": ["This record does not exist or you cannot see it."]
    }


def test_it_updates_a_planned_call_keeping_question_ids(rep):
    call = plan(rep, questions=["Q1", "Q2"])
    q1, q2 = call.questions.order_by("order")

    services.call_update_plan(
        actor=rep,
        call=call,
        purpose="New purpose",
        questions=planned_questions([{"id": q2.pk, "text": "Q2 reworded"}, {"text": "Q3"}]),
    )

    call.refresh_from_db()
    assert call.purpose == "New purpose"
    rows = list(call.questions.order_by("order").values_list("id", "text"))
    assert rows[0] == (q2.pk, "Q2 reworded")
    assert rows[1][1] == "Q3"
    assert not call.questions.filter(pk=q1.pk).exists()


@pytest.mark.parametrize(
    "status",
    [
        Call.Status.COMPLETED,
        Call.Status.NO_SHOW,
        Call.Status.DEBRIEFED,
        Call.Status.CANCELLED,
        Call.Status.RESCHEDULED,
    ],
)
def test_it_freezes_the_plan_once_the_call_has_moved_on(rep, status):
    call = call_in_status(rep, status)

    with pytest.raises(ValidationError) as error:
        services.call_update_plan(actor=rep, call=call, purpose="Changed")

    assert error.value.message_dict["status"][0].startswith("You cannot change the plan: this call")
    call.refresh_from_db()
    assert call.purpose == "Find out who decides"


def test_it_logs_a_held_call(rep):
    # given a planned call with two questions and one expected objection
    call = plan(rep)
    q1, q2 = call.questions.order_by("order")
    expected = call.objections.get()

    # when the rep logs it: asked Q1 only, met the planned objection and a new one
    services.call_complete(
        actor=rep,
        call=call,
        outcome="Demo booked",
        duration_minutes=25,
        next_steps="Send the deck",
        questions=question_results([{"id": q1.pk, "asked": True, "answer": "The CFO"}]),
        objections=objection_results(
            [
                {
                    "id": expected.pk,
                    "encountered": True,
                    "response_given": "ROI",
                    "handled_well": True,
                },
                {"text": "Timing is bad", "response_given": "Start small", "handled_well": False},
            ]
        ),
    )

    # then the execution is recorded and the unasked question derived
    call.refresh_from_db()
    assert (call.status, call.result, call.duration_minutes) == ("completed", "held", 25)
    assert call.completed_at is not None
    q1.refresh_from_db()
    q2.refresh_from_db()
    assert (q1.asked, q1.answer, q2.asked, q2.answer) == (True, "The CFO", False, "")
    assert [q.text for q in questions_not_asked(call)] == ["Q2"]
    rows = list(
        CallObjection.objects.filter(call=call)
        .order_by("order")
        .values_list("text", "planned", "encountered", "response_given", "handled_well")
    )
    assert rows == [
        ("Too expensive", True, True, "ROI", True),
        ("Timing is bad", False, True, "Start small", False),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": ""}, "outcome"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"questions": [{"id": 999999, "asked": True}]}, "questions"),
        ({"objections": [{"id": 999999, "encountered": True}]}, "objections"),
        ({"objections": [{"text": "", "response_given": "orphan"}]}, "objections"),
    ],
)
def test_it_refuses_a_bad_execution_log_and_changes_nothing(rep, kwargs, field):
    call = plan(rep)
    args = {"outcome": "Fine", **kwargs}
    if "questions" in args:
        args["questions"] = question_results(args["questions"])
    if "objections" in args:
        args["objections"] = objection_results(args["objections"])

    with pytest.raises(ValidationError) as error:
        services.call_complete(actor=rep, call=call, **args)

    assert field in error.value.message_dict
    call.refresh_from_db()
    assert call.status == Call.Status.PLANNED
    assert not call.questions.filter(asked__isnull=False).exists()


def test_it_plans_the_follow_up_in_the_same_step(rep):
    CallTypeFactory(name="Follow-up", bank=["Any news?"])
    call = plan(rep, questions=["Q1", "Q2"])
    when = call.scheduled_at + timedelta(days=7)

    complete(call, asked=(True, False), next_steps="Send pricing\nCall the CFO", follow_up_at=when)

    follow_up = Call.objects.get(follow_up_of=call)
    assert follow_up.status == Call.Status.PLANNED
    assert follow_up.scheduled_at == when
    assert follow_up.contact == call.contact
    assert follow_up.call_type.name == "Follow-up"
    assert follow_up.purpose == "Send pricing"
    assert list(follow_up.questions.values_list("text", flat=True)) == ["Q2", "Any news?"]


def test_it_marks_a_no_show_which_can_still_be_debriefed(rep, manager):
    call = plan(rep)

    services.call_mark_no_show(actor=rep, call=call, note="Did not join")
    services.call_debrief(actor=rep, call=call, went_well="", request_review=False)

    call.refresh_from_db()
    assert (call.status, call.result, call.outcome) == ("debriefed", "no_show", "Did not join")
    assert call.review_requested_at is None
    assert [q.text for q in questions_not_asked(call)] == ["Q1", "Q2"]


def test_it_reschedules_into_a_new_planned_call_with_the_same_plan(rep):
    call = plan(rep, questions=["Q1"], objections=[{"text": "Busy", "planned_response": "Later"}])
    new_time = call.scheduled_at + timedelta(days=3)

    new = services.call_reschedule(actor=rep, call=call, scheduled_at=new_time, reason="Sick")

    call.refresh_from_db()
    assert (call.status, call.result) == ("rescheduled", "rescheduled")
    assert (new.status, new.scheduled_at, new.rescheduled_from) == ("planned", new_time, call)
    assert list(new.questions.values_list("text", flat=True)) == ["Q1"]
    assert list(new.objections.values_list("text", "planned_response")) == [("Busy", "Later")]


def test_it_debriefs_with_reasons_for_unasked_questions(rep, manager):
    call = complete(plan(rep), asked=(True, False))
    q2 = call.questions.get(text="Q2")

    services.call_debrief(
        actor=rep,
        call=call,
        went_well="Rapport",
        unasked_reasons=[UnaskedReason(question=q2.pk, reason="No time left")],
        unresolved=[
            Problem(problem="Security review", proposed_solution="Send the audit"),
            Problem(problem="", proposed_solution=""),
        ],
    )

    call.refresh_from_db()
    q2.refresh_from_db()
    assert call.status == Call.Status.DEBRIEFED
    assert call.went_well == "Rapport"
    assert q2.unasked_reason == "No time left"
    assert call.unresolved_problems == [
        {"problem": "Security review", "proposed_solution": "Send the audit"}
    ]
    assert call.debriefed_at == call.review_requested_at


def test_it_insists_on_a_reason_for_each_unasked_question(rep):
    call = complete(plan(rep), asked=(False, False))

    with pytest.raises(ValidationError) as error:
        services.call_debrief(actor=rep, call=call, went_well="Fine", unasked_reasons=[])

    assert error.value.message_dict == {
        "unasked_reasons": ["Say why you did not ask: “Q1”.", "Say why you did not ask: “Q2”."]
    }
    call.refresh_from_db()
    assert call.status == Call.Status.COMPLETED


def test_it_refuses_a_reason_for_a_question_that_was_asked(rep):
    call = complete(plan(rep), asked=(True, True))
    asked = call.questions.first()

    with pytest.raises(ValidationError) as error:
        services.call_debrief(
            actor=rep,
            call=call,
            went_well="Fine",
            unasked_reasons=[UnaskedReason(question=asked.pk, reason="?")],
        )

    assert "unasked_reasons" in error.value.message_dict


def test_it_reviews_then_the_rep_acknowledges(rep, manager):
    call = debrief(complete(plan(rep)))

    review(call, manager)
    call.refresh_from_db()
    assert call.status == Call.Status.REVIEWED
    assert call.reviewer == manager
    assert call.ratings == {
        "preparation": 4,
        "questioning": 3,
        "objection_handling": 5,
        "next_step": 2,
    }
    assert call.average_rating == 3.5

    services.call_acknowledge_review(actor=rep, call=call)
    call.refresh_from_db()
    assert call.acknowledged_at is not None


def test_an_admin_may_review_too(rep, admin):
    call = debrief(complete(plan(rep)))

    review(call, admin)

    call.refresh_from_db()
    assert call.reviewer == admin


@pytest.mark.parametrize("who", ["rep", "teammate"])
def test_only_the_owners_manager_or_an_admin_reviews(rep, teammate, manager, who):
    call = debrief(complete(plan(rep)))
    actor = {"rep": rep, "teammate": teammate}[who]

    with pytest.raises(PermissionDenied):
        review(call, actor)

    call.refresh_from_db()
    assert call.status == Call.Status.DEBRIEFED
    assert call.reviewer is None


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        (
            {"preparation": 6, "questioning": 3, "objection_handling": 3, "next_step": 3},
            "Rate preparation from 1 to 5.",
        ),
        (
            {"preparation": 0, "questioning": 3, "objection_handling": 3, "next_step": 3},
            "Rate preparation from 1 to 5.",
        ),
        (
            {"preparation": 3, "questioning": 3, "objection_handling": 3},
            "Rate next step secured from 1 to 5.",
        ),
    ],
)
def test_it_refuses_ratings_outside_one_to_five(rep, manager, ratings, message):
    call = debrief(complete(plan(rep)))

    with pytest.raises(ValidationError) as error:
        review(call, manager, ratings=ratings)

    assert error.value.message_dict == {"ratings": [message]}
    call.refresh_from_db()
    assert call.status == Call.Status.DEBRIEFED


def test_it_needs_feedback_in_a_review(rep, manager):
    call = debrief(complete(plan(rep)))

    with pytest.raises(ValidationError) as error:
        review(call, manager, feedback=" ")

    assert error.value.message_dict == {"feedback": ["Give the rep your feedback on the call."]}


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Call.Status.PLANNED, "debrief"),
        (Call.Status.PLANNED, "review"),
        (Call.Status.PLANNED, "acknowledge"),
        (Call.Status.COMPLETED, "complete"),
        (Call.Status.COMPLETED, "review"),
        (Call.Status.COMPLETED, "cancel"),
        (Call.Status.COMPLETED, "no_show"),
        (Call.Status.COMPLETED, "reschedule"),
        (Call.Status.NO_SHOW, "complete"),
        (Call.Status.DEBRIEFED, "debrief"),
        (Call.Status.DEBRIEFED, "acknowledge"),
        (Call.Status.REVIEWED, "review"),
        (Call.Status.REVIEWED, "debrief"),
        (Call.Status.CANCELLED, "complete"),
        (Call.Status.CANCELLED, "cancel"),
        (Call.Status.RESCHEDULED, "complete"),
    ],
)
def test_it_refuses_steps_out_of_order(rep, manager, status, step):
    call = call_in_status(rep, status, reviewer=manager)
    steps = {
        "complete": lambda: services.call_complete(actor=rep, call=call, outcome="x"),
        "debrief": lambda: services.call_debrief(actor=rep, call=call, went_well="x"),
        "review": lambda: review(call, manager),
        "acknowledge": lambda: services.call_acknowledge_review(actor=rep, call=call),
        "cancel": lambda: services.call_cancel(actor=rep, call=call),
        "no_show": lambda: services.call_mark_no_show(actor=rep, call=call),
        "reschedule": lambda: services.call_reschedule(
            actor=rep, call=call, scheduled_at=timezone.now()
        ),
    }

    with pytest.raises(ValidationError) as error:
        steps[step]()

    assert error.value.message_dict["status"][0].startswith("You cannot ")
    assert Call.objects.get(pk=call.pk).status == status


def test_it_refuses_a_second_acknowledgement(rep, manager):
    call = call_in_status(rep, Call.Status.REVIEWED, reviewer=manager)
    services.call_acknowledge_review(actor=rep, call=call)

    with pytest.raises(ValidationError) as error:
        services.call_acknowledge_review(actor=rep, call=call)

    assert error.value.message_dict == {"status": ["You have already acknowledged this review."]}


@pytest.mark.parametrize("step", ["complete", "debrief", "cancel", "no_show", "update"])
def test_only_the_owner_logs_and_debriefs(rep, manager, step):
    call = call_in_status(rep, Call.Status.COMPLETED if step == "debrief" else Call.Status.PLANNED)
    before = call.status
    steps = {
        "complete": lambda: services.call_complete(actor=manager, call=call, outcome="x"),
        "debrief": lambda: services.call_debrief(actor=manager, call=call, went_well="x"),
        "cancel": lambda: services.call_cancel(actor=manager, call=call),
        "no_show": lambda: services.call_mark_no_show(actor=manager, call=call),
        "update": lambda: services.call_update_plan(actor=manager, call=call, purpose="Hijack"),
    }

    with pytest.raises(PermissionDenied):
        steps[step]()

    call.refresh_from_db()
    assert call.status == before
    assert call.purpose == "Find out who decides"


def test_it_cancels_a_planned_call(rep):
    call = plan(rep)

    services.call_cancel(actor=rep, call=call, reason="Buyer left the company")

    call.refresh_from_db()
    assert (call.status, call.cancel_reason) == ("cancelled", "Buyer left the company")


def test_it_asks_for_a_review_later(rep, manager):
    call = debrief(complete(plan(rep)), request_review=False)
    assert call.review_requested_at is None

    services.call_request_review(actor=rep, call=call)

    call.refresh_from_db()
    assert call.review_requested_at is not None
    with pytest.raises(ValidationError):
        services.call_request_review(actor=rep, call=call)


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_a_manager_or_admin_cannot_review_their_own_call(manager, admin, own_debriefed_call, who):
    # given a debriefed call that the manager (or the admin) made themselves
    reviewer = {"manager": manager, "admin": admin}[who]
    call = own_debriefed_call(reviewer)

    # when they try to review it
    with pytest.raises(PermissionDenied) as error:
        review(call, reviewer)

    # then they are refused and the call waits for someone else
    assert str(error.value) == "You cannot review your own call: your manager reviews it."
    call.refresh_from_db()
    assert (call.status, call.reviewer, call.reviewed_at) == ("debriefed", None, None)


def test_a_new_plan_starts_from_follow_up_about_a_deal_and_discovery_otherwise(db):
    discovery = CallTypeFactory(name="Discovery")
    follow_up = CallTypeFactory(name="Follow-up")
    follow_up.default_duration_minutes = 20
    follow_up.save()

    about_deal = services.plan_defaults(about_deal=True)
    otherwise = services.plan_defaults()

    assert (about_deal["call_type"], about_deal["planned_duration_minutes"]) == (follow_up, 20)
    assert (otherwise["call_type"], otherwise["planned_duration_minutes"]) == (discovery, 30)
