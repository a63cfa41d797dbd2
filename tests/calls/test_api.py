"""The calls API: plan, complete, debrief, review over HTTP, with the same rules as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call, CallType, Objection
from tests.factories import ContactFactory, DealFactory, UserFactory

from .factories import CallTypeFactory, ObjectionFactory, call_in_status, complete, plan

pytestmark = pytest.mark.django_db

WHEN = "2030-03-04T10:00:00Z"


def _plan_body(contact, **extra):
    return {
        "contact": contact.pk,
        "scheduled_at": WHEN,
        "purpose": "Qualify the budget",
        "questions": [{"text": "Who signs?"}, {"text": "What is the budget?"}],
        "objections": [{"text": "Too expensive", "planned_response": "Show the payback"}],
        **extra,
    }


def test_it_plans_a_call(rep, api_as):
    contact = ContactFactory(owner=rep)

    response = api_as(rep).post("/api/v1/calls/", _plan_body(contact), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned"
    assert body["contact"] == contact.pk
    assert body["account"] == contact.account_id
    assert body["owner"] == rep.pk
    assert [q["text"] for q in body["questions"]] == ["Who signs?", "What is the budget?"]
    assert all(isinstance(q["id"], int) for q in body["questions"])
    assert [(o["text"], o["planned_response"]) for o in body["objections"]] == [
        ("Too expensive", "Show the payback")
    ]
    assert isinstance(body["objections"][0]["id"], int)
    assert body["questions_not_asked"] == []
    assert body["review"] is None


def test_it_runs_the_whole_life_of_a_call_over_the_api(rep, manager, api_as):
    contact = ContactFactory(owner=rep)
    created = api_as(rep).post("/api/v1/calls/", _plan_body(contact), format="json").json()
    q1, q2 = (q["id"] for q in created["questions"])
    objection = created["objections"][0]["id"]
    url = f"/api/v1/calls/{created['id']}"

    completed = api_as(rep).post(
        f"{url}/complete/",
        {
            "outcome": "Demo booked",
            "questions": [
                {"id": q1, "asked": True, "answer": "The CFO"},
                {"id": q2, "asked": False},
            ],
            "objections": [
                {
                    "id": objection,
                    "encountered": True,
                    "response_given": "ROI",
                    "handled_well": True,
                },
                {"text": "Bad timing", "response_given": "Start small"},
            ],
            "next_steps": "Send the deck",
            "duration_minutes": 25,
        },
        format="json",
    )
    assert completed.status_code == 200, completed.json()
    assert completed.json()["status"] == "completed"
    assert completed.json()["questions_not_asked"] == [
        {"id": q2, "text": "What is the budget?", "reason": ""}
    ]

    debriefed = api_as(rep).post(
        f"{url}/debrief/",
        {
            "went_well": "Rapport",
            "unasked_reasons": [{"question": q2, "reason": "Ran out of time"}],
            "unresolved": [{"problem": "Legal", "proposed_solution": "Send the DPA"}],
        },
        format="json",
    )
    assert debriefed.status_code == 200, debriefed.json()
    body = debriefed.json()
    assert body["status"] == "debriefed"
    assert body["questions_not_asked"] == [
        {"id": q2, "text": "What is the budget?", "reason": "Ran out of time"}
    ]
    assert body["unresolved"] == [{"problem": "Legal", "proposed_solution": "Send the DPA"}]

    ratings = {"preparation": 4, "questioning": 3, "objection_handling": 5, "next_step": 4}
    reviewed = api_as(manager).post(
        f"{url}/review/", {"feedback": "Ask budget first", "ratings": ratings}, format="json"
    )
    assert reviewed.status_code == 200, reviewed.json()
    assert reviewed.json()["status"] == "reviewed"
    assert reviewed.json()["review"]["ratings"] == ratings
    assert reviewed.json()["review"]["reviewer"] == manager.pk

    acknowledged = api_as(rep).post(f"{url}/acknowledge/", format="json")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["review"]["acknowledged_at"] is not None


def test_it_answers_400_for_a_step_out_of_order(rep, api_as):
    call = plan(rep)

    response = api_as(rep).post(
        f"/api/v1/calls/{call.pk}/debrief/", {"went_well": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": ["You cannot debrief this call: this call is still planned."]
    }


def test_it_refuses_to_edit_a_plan_after_the_call(rep, api_as):
    call = call_in_status(rep, Call.Status.COMPLETED)

    response = api_as(rep).patch(f"/api/v1/calls/{call.pk}/", {"purpose": "New"}, format="json")

    assert response.status_code == 400
    assert response.json()["status"][0].startswith("You cannot change the plan")
    call.refresh_from_db()
    assert call.purpose == "Find out who decides"


def test_it_edits_a_planned_call(rep, api_as):
    call = plan(rep)

    response = api_as(rep).patch(
        f"/api/v1/calls/{call.pk}/",
        {"purpose": "Agree the pilot", "questions": [{"text": "Only this one"}]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["purpose"] == "Agree the pilot"
    assert [q["text"] for q in response.json()["questions"]] == ["Only this one"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": ""}, "purpose"),
        ({"scheduled_at": "tomorrow-ish"}, "scheduled_at"),
        ({"channel": "pigeon"}, "channel"),
        ({"questions": [{"text": "x" * 301}]}, "questions"),
        ({"questions": "Who?"}, "questions"),
        ({"objections": [{"objection": 999999}]}, "objections"),
        ({"call_type": 999999}, "call_type"),
        ({"planned_duration_minutes": 9999}, "planned_duration_minutes"),
    ],
)
def test_it_answers_400_for_a_bad_plan(rep, api_as, change, field):
    contact = ContactFactory(owner=rep)

    response = api_as(rep).post("/api/v1/calls/", _plan_body(contact, **change), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Call.objects.count() == 0


def test_it_needs_something_the_call_is_about(rep, api_as):
    response = api_as(rep).post(
        "/api/v1/calls/", {"scheduled_at": WHEN, "purpose": "Chat"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "contact": ["Say who the call is with: a contact, lead, account or deal."]
    }


def test_it_refuses_a_contact_of_another_team_as_not_existing(rep, other_rep, api_as):
    theirs = ContactFactory(owner=other_rep)

    response = api_as(rep).post("/api/v1/calls/", _plan_body(theirs), format="json")

    assert response.status_code == 400
    assert response.json()["contact"] == [f'Invalid pk "{theirs.pk}" - object does not exist.']
    assert Call.objects.count() == 0


def test_it_refuses_a_deal_at_another_account(rep, api_as):
    contact = ContactFactory(owner=rep)
    deal = DealFactory(owner=rep)

    response = api_as(rep).post("/api/v1/calls/", _plan_body(contact, deal=deal.pk), format="json")

    assert response.status_code == 400
    assert response.json() == {"deal": [f"The deal “{deal.name}” is with another account."]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "outcome"),
        ({"outcome": "ok", "questions": [{"id": 0, "asked": True}]}, "questions"),
        ({"outcome": "ok", "questions": [{"id": "abc", "asked": True}]}, "questions"),
        ({"outcome": "ok", "questions": [{"asked": True}]}, "questions"),
        ({"outcome": "ok", "objections": [{"encountered": True}]}, "objections"),
        ({"outcome": "ok", "objections": [{"id": 0}]}, "objections"),
        ({"outcome": "ok", "duration_minutes": -1}, "duration_minutes"),
        ({"outcome": "ok", "follow_up_at": "2000-01-01T00:00:00Z"}, "follow_up_at"),
    ],
)
def test_it_answers_400_for_a_bad_execution_log(rep, api_as, body, field):
    call = plan(rep)

    response = api_as(rep).post(f"/api/v1/calls/{call.pk}/complete/", body, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()
    call.refresh_from_db()
    assert call.status == Call.Status.PLANNED


@pytest.mark.parametrize(
    "ratings",
    [
        {"preparation": 6, "questioning": 3, "objection_handling": 3, "next_step": 3},
        {"preparation": 0, "questioning": 3, "objection_handling": 3, "next_step": 3},
        {"preparation": 3, "questioning": 3, "objection_handling": 3},
        {"preparation": "great", "questioning": 3, "objection_handling": 3, "next_step": 3},
        "five",
    ],
)
def test_it_answers_400_for_ratings_outside_one_to_five(rep, manager, api_as, ratings):
    call = call_in_status(rep, Call.Status.DEBRIEFED)

    response = api_as(manager).post(
        f"/api/v1/calls/{call.pk}/review/", {"feedback": "ok", "ratings": ratings}, format="json"
    )

    assert response.status_code == 400
    assert "ratings" in response.json()
    call.refresh_from_db()
    assert call.status == Call.Status.DEBRIEFED


def test_it_asks_for_a_reason_per_unasked_question(rep, api_as):
    call = complete(plan(rep), asked=(True, False))

    response = api_as(rep).post(
        f"/api/v1/calls/{call.pk}/debrief/", {"went_well": "ok"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"unasked_reasons": ["Say why you did not ask: “Q2”."]}


REVIEW = {
    "feedback": "Good",
    "ratings": {"preparation": 3, "questioning": 3, "objection_handling": 3, "next_step": 3},
}


def test_the_owners_manager_reviews(rep, manager, api_as, debriefed_call):
    call = debriefed_call

    response = api_as(manager).post(f"/api/v1/calls/{call.pk}/review/", REVIEW, format="json")

    assert response.status_code == 200
    call.refresh_from_db()
    assert (call.status, call.reviewer, call.feedback) == ("reviewed", manager, "Good")
    assert call.ratings == REVIEW["ratings"]
    assert response.json()["review"]["reviewer"] == manager.pk


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_a_manager_or_admin_cannot_review_their_own_call_over_the_api(
    manager, admin, api_as, own_debriefed_call, who
):
    reviewer = {"manager": manager, "admin": admin}[who]
    call = own_debriefed_call(reviewer)

    response = api_as(reviewer).post(f"/api/v1/calls/{call.pk}/review/", REVIEW, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "You cannot review your own call: your manager reviews it."
    }
    call.refresh_from_db()
    assert (call.status, call.reviewer) == ("debriefed", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"questions": "not a list"}, "questions"),
        ({"objections": [{"objection": 999999}]}, "objections"),
        ({"planned_duration_minutes": "ten"}, "planned_duration_minutes"),
        ({"purpose": ""}, "purpose"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_it_answers_400_for_a_badly_shaped_plan_and_writes_nothing(rep, api_as, body, field):
    contact = ContactFactory(owner=rep)

    response = api_as(rep).post("/api/v1/calls/", {**_plan_body(contact), **body}, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert Call.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "ok", "duration_minutes": "ten"}, "duration_minutes"),
        ({"outcome": "ok", "questions": [{"id": "x", "asked": True}]}, "questions"),
        ({"outcome": "ok", "questions": [{"id": 1, "asked": "maybe"}]}, "questions"),
    ],
)
def test_it_answers_400_for_a_badly_shaped_execution_log(rep, api_as, body, field):
    call = plan(rep)

    response = api_as(rep).post(f"/api/v1/calls/{call.pk}/complete/", body, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()
    call.refresh_from_db()
    assert call.status == Call.Status.PLANNED
    assert not call.questions.filter(asked__isnull=False).exists()


def test_it_answers_400_for_a_rating_that_is_not_a_number(rep, manager, api_as, debriefed_call):
    ratings = {"preparation": 3, "questioning": True, "objection_handling": 3, "next_step": 3}

    response = api_as(manager).post(
        f"/api/v1/calls/{debriefed_call.pk}/review/",
        {"feedback": "ok", "ratings": ratings},
        format="json",
    )

    assert response.status_code == 400
    assert "ratings" in response.json()
    debriefed_call.refresh_from_db()
    assert debriefed_call.status == Call.Status.DEBRIEFED


def test_another_teams_manager_gets_404_and_nothing_changes(rep, other_manager, api_as):
    call = call_in_status(rep, Call.Status.DEBRIEFED)

    response = api_as(other_manager).post(f"/api/v1/calls/{call.pk}/review/", REVIEW, format="json")

    assert response.status_code == 404
    call.refresh_from_db()
    assert (call.status, call.reviewer) == ("debriefed", None)


def test_the_rep_cannot_review_their_own_call(rep, manager, api_as):
    call = call_in_status(rep, Call.Status.DEBRIEFED)

    response = api_as(rep).post(f"/api/v1/calls/{call.pk}/review/", REVIEW, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "You cannot review your own call: your manager reviews it."
    }
    call.refresh_from_db()
    assert call.status == Call.Status.DEBRIEFED


def test_the_manager_cannot_log_a_reps_call(rep, manager, api_as):
    call = plan(rep)

    response = api_as(manager).post(
        f"/api/v1/calls/{call.pk}/complete/", {"outcome": "x"}, format="json"
    )

    assert response.status_code == 403
    call.refresh_from_db()
    assert call.status == Call.Status.PLANNED


@pytest.mark.parametrize(
    "path", ["", "complete/", "debrief/", "cancel/", "no-show/", "acknowledge/", "review/"]
)
def test_another_team_gets_404_everywhere(rep, other_rep, api_as, path):
    call = plan(rep)
    client = api_as(other_rep)

    response = (
        client.get(f"/api/v1/calls/{call.pk}/")
        if not path
        else client.post(f"/api/v1/calls/{call.pk}/{path}", {"outcome": "x"}, format="json")
    )

    assert response.status_code == 404
    call.refresh_from_db()
    assert call.status == Call.Status.PLANNED


def test_the_list_shows_what_each_persona_may_see(rep, teammate, manager, other_rep, admin, api_as):
    mine = plan(rep)
    theirs = plan(teammate)
    elsewhere = plan(other_rep)

    def ids(user):
        return {c["id"] for c in api_as(user).get("/api/v1/calls/").json()["results"]}

    assert ids(rep) == {mine.pk}
    assert ids(teammate) == {theirs.pk}
    assert ids(manager) == {mine.pk, theirs.pk}
    assert ids(admin) == {mine.pk, theirs.pk, elsewhere.pk}


def test_it_filters_the_list_by_status_and_contact(rep, api_as):
    contact = ContactFactory(owner=rep)
    planned = plan(rep, contact=contact)
    cancelled = call_in_status(rep, Call.Status.CANCELLED, contact=contact)
    plan(rep)

    by_status = api_as(rep).get("/api/v1/calls/?status=cancelled").json()["results"]
    by_contact = api_as(rep).get(f"/api/v1/calls/?contact={contact.pk}").json()["results"]

    assert [c["id"] for c in by_status] == [cancelled.pk]
    assert {c["id"] for c in by_contact} == {planned.pk, cancelled.pk}


def test_it_cancels_reschedules_and_marks_no_shows(rep, api_as):
    first, second, third = plan(rep), plan(rep), plan(rep)
    client = api_as(rep)
    later = (timezone.now() + timedelta(days=9)).isoformat()

    cancelled = client.post(f"/api/v1/calls/{first.pk}/cancel/", {"reason": "Gone"}, format="json")
    missed = client.post(f"/api/v1/calls/{second.pk}/no-show/", {}, format="json")
    moved = client.post(
        f"/api/v1/calls/{third.pk}/reschedule/", {"scheduled_at": later}, format="json"
    )

    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert (missed.status_code, missed.json()["status"]) == (200, "no_show")
    assert moved.status_code == 201
    assert moved.json()["status"] == "planned"
    assert moved.json()["rescheduled_from"] == third.pk


def test_it_deletes_only_a_plan_that_never_happened(rep, api_as):
    planned = plan(rep)
    held = call_in_status(rep, Call.Status.COMPLETED)

    assert api_as(rep).delete(f"/api/v1/calls/{planned.pk}/").status_code == 204
    assert api_as(rep).delete(f"/api/v1/calls/{held.pk}/").status_code == 400
    assert list(Call.objects.values_list("pk", flat=True)) == [held.pk]


def test_a_role_without_call_management_is_refused(api_as, roles):
    outsider = UserFactory(username="ops", role=roles["inside-rep"])
    outsider.role.processes = ["deals"]
    outsider.role.save()

    response = api_as(outsider).get("/api/v1/calls/")

    assert response.status_code == 403


def test_the_list_keeps_a_constant_number_of_queries(rep, api_as, django_assert_max_num_queries):
    client = api_as(rep)
    for _ in range(3):
        plan(rep)
    with django_assert_max_num_queries(9):
        assert len(client.get("/api/v1/calls/").json()["results"]) == 3
    for _ in range(22):
        plan(rep)
    with django_assert_max_num_queries(9):
        assert len(client.get("/api/v1/calls/").json()["results"]) == 25


# -- call types and objection library ----------------------------------------------


def test_everyone_reads_call_types_with_their_bank(rep, api_as):
    CallTypeFactory(name="Discovery", bank=["Why now?", "Who decides?"])

    body = api_as(rep).get("/api/v1/call-types/").json()

    assert [(t["name"], [q["text"] for q in t["questions"]]) for t in body] == [
        ("Discovery", ["Why now?", "Who decides?"])
    ]


def test_an_admin_writes_call_types_and_a_rep_cannot(rep, admin, api_as):
    body = {"name": "Demo", "default_duration_minutes": 45, "questions": [{"text": "Who uses it?"}]}

    refused = api_as(rep).post("/api/v1/call-types/", body, format="json")
    created = api_as(admin).post("/api/v1/call-types/", body, format="json")

    assert refused.status_code == 403
    assert created.status_code == 201, created.json()
    assert [q["text"] for q in created.json()["questions"]] == ["Who uses it?"]
    call_type = CallType.objects.get()
    changed = api_as(admin).patch(
        f"/api/v1/call-types/{call_type.pk}/",
        {"questions": [{"text": "A"}, {"text": "B"}]},
        format="json",
    )
    assert [q["text"] for q in changed.json()["questions"]] == ["A", "B"]
    duplicate = api_as(admin).post("/api/v1/call-types/", {"name": "demo"}, format="json")
    assert duplicate.status_code == 400
    assert duplicate.json() == {"name": ["A call type called “demo” already exists."]}


def test_an_admin_edits_the_objection_library(rep, admin, api_as):
    ObjectionFactory(text="Too expensive")

    refused = api_as(rep).post("/api/v1/objections/", {"text": "Busy"}, format="json")
    created = api_as(admin).post(
        "/api/v1/objections/", {"text": "Busy", "suggested_response": "Ask when"}, format="json"
    )
    duplicate = api_as(admin).post("/api/v1/objections/", {"text": "too expensive"}, format="json")

    assert refused.status_code == 403
    assert created.status_code == 201
    assert duplicate.status_code == 400
    assert sorted(Objection.objects.values_list("text", flat=True)) == ["Busy", "Too expensive"]
    assert api_as(rep).get("/api/v1/objections/").json()["count"] == 2


def test_a_call_type_in_use_cannot_be_deleted(rep, admin, api_as):
    call_type = CallTypeFactory(name="Discovery")
    plan(rep, call_type=call_type)

    response = api_as(admin).delete(f"/api/v1/call-types/{call_type.pk}/")

    assert response.status_code == 400
    assert CallType.objects.filter(pk=call_type.pk).exists()


def test_the_schema_generates_for_the_calls_endpoints(admin, api_as):
    response = api_as(admin).get("/api/schema/")

    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/calls/{id}/complete/",
        "/api/v1/calls/{id}/review/",
        "/api/v1/call-types/",
    ):
        assert path in text
