"""The call pages: plan from a contact, log, debrief, review, agenda, lists and settings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call, CallType, Objection
from salesproc.models import SalesRole
from tests.factories import ContactFactory, DealFactory, LeadFactory, UserFactory

from .factories import CallTypeFactory, ObjectionFactory, call_in_status, complete, plan

pytestmark = pytest.mark.django_db

LATER = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


def _plan_post(**extra):
    return {
        "scheduled_at": LATER,
        "planned_duration_minutes": "30",
        "channel": "video",
        "purpose": "Qualify the budget",
        "desired_outcome": "Demo booked",
        "question": ["Who signs?", "", "What is the budget?"],
        "question_id": ["", "", ""],
        "objection_text": ["Too expensive", ""],
        "objection_response": ["Show the payback", ""],
        "objection_id": ["", ""],
        "objection_library": ["", ""],
        **extra,
    }


def test_the_contact_page_offers_to_plan_a_call(client, rep):
    contact = ContactFactory(owner=rep)
    call = plan(rep, contact=contact, purpose="Earlier call")
    client.force_login(rep)

    response = client.get(contact.get_absolute_url())

    html = response.content.decode()
    assert f'href="/calls/plan/?contact={contact.pk}"' in html
    assert "Earlier call" in html
    assert f'href="/calls/{call.pk}/"' in html


def test_the_account_page_lists_its_calls(client, rep):
    contact = ContactFactory(owner=rep)
    plan(rep, contact=contact, purpose="About the account")
    client.force_login(rep)

    response = client.get(contact.account.get_absolute_url())

    html = response.content.decode()
    assert "About the account" in html
    assert f'href="/calls/plan/?account={contact.account_id}"' in html


def test_the_plan_form_starts_with_the_call_types_questions(client, rep):
    CallTypeFactory(name="Discovery", bank=["Why now?", "Who decides?"])
    contact = ContactFactory(owner=rep)
    client.force_login(rep)

    response = client.get(f"/calls/plan/?contact={contact.pk}")

    assert response.status_code == 200
    html = response.content.decode()
    assert ">Why now?</textarea>" in html
    assert ">Who decides?</textarea>" in html
    assert contact.full_name in html


def test_it_plans_a_call_from_the_contact_page(client, rep):
    contact = ContactFactory(owner=rep)
    library = ObjectionFactory(text="We use a competitor", suggested_response="Ask the gap")
    client.force_login(rep)

    response = client.post(
        f"/calls/plan/?contact={contact.pk}",
        _plan_post(
            contact=contact.pk,
            objection_text=["Too expensive", "We use a competitor"],
            objection_response=["Show the payback", ""],
            objection_library=["", str(library.pk)],
            objection_id=["", ""],
        ),
    )

    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/"
    assert (call.owner, call.contact, call.account) == (rep, contact, contact.account)
    assert call.channel == "video"
    assert list(call.questions.values_list("text", flat=True)) == [
        "Who signs?",
        "What is the budget?",
    ]
    assert list(call.objections.values_list("text", "planned_response")) == [
        ("Too expensive", "Show the payback"),
        ("We use a competitor", "Ask the gap"),
    ]


def test_it_plans_a_call_about_a_deal_and_a_lead(client, rep):
    deal = DealFactory(owner=rep)
    lead = LeadFactory(owner=rep)
    client.force_login(rep)

    about_deal = client.post(f"/calls/plan/?deal={deal.pk}", _plan_post(deal=deal.pk))
    about_lead = client.post(f"/calls/plan/?lead={lead.pk}", _plan_post(lead=lead.pk))

    assert about_deal.status_code == about_lead.status_code == 302
    assert Call.objects.filter(deal=deal, account=deal.account).count() == 1
    assert Call.objects.filter(lead=lead).count() == 1


def test_the_plan_form_shows_what_is_missing(client, rep):
    contact = ContactFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        f"/calls/plan/?contact={contact.pk}", _plan_post(contact=contact.pk, purpose="")
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert ">Who signs?</textarea>" in response.content.decode()  # the rows typed are kept
    assert Call.objects.count() == 0


def test_planning_about_a_record_of_another_team_is_404(client, rep, other_rep):
    theirs = ContactFactory(owner=other_rep)
    client.force_login(rep)

    assert client.get(f"/calls/plan/?contact={theirs.pk}").status_code == 404
    assert client.post("/calls/plan/", _plan_post(contact=theirs.pk)).status_code == 200
    assert Call.objects.count() == 0


def test_it_edits_a_plan_and_refuses_after_the_call(client, rep):
    call = plan(rep, questions=["Q1"])
    q1 = call.questions.get()
    client.force_login(rep)

    response = client.post(
        f"/calls/{call.pk}/edit/",
        _plan_post(
            contact=call.contact_id,
            account=call.account_id,
            purpose="Changed",
            question=["Q1 better", "Q2"],
            question_id=[str(q1.pk), ""],
        ),
    )

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.purpose == "Changed"
    assert list(call.questions.values_list("id", "text"))[0] == (q1.pk, "Q1 better")
    complete(call, asked=(True, True))
    refused = client.get(f"/calls/{call.pk}/edit/", follow=True)
    assert "The call has happened: its plan stays as it was." in refused.content.decode()


def test_it_logs_a_held_call_and_goes_on_to_the_debrief(client, rep):
    call = plan(rep)
    q1, q2 = call.questions.order_by("order")
    objection = call.objections.get()
    client.force_login(rep)

    response = client.post(
        f"/calls/{call.pk}/log/",
        {
            "result": "held",
            "duration_minutes": "20",
            "outcome": "Demo booked",
            "next_steps": "Send deck",
            "questions-TOTAL_FORMS": "2",
            "questions-INITIAL_FORMS": "2",
            "questions-0-id": str(q1.pk),
            "questions-0-asked": "on",
            "questions-0-answer": "The CFO",
            "questions-1-id": str(q2.pk),
            "questions-1-answer": "",
            "objections-TOTAL_FORMS": "1",
            "objections-INITIAL_FORMS": "1",
            "objections-0-id": str(objection.pk),
            "objections-0-met": "on",
            "objections-0-response": "ROI",
            "objections-0-handled": "yes",
            "new_objection_text": ["Bad timing"],
            "new_objection_response": ["Start small"],
            "new_objection_handled": ["no"],
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/debrief/"
    call.refresh_from_db()
    assert (call.status, call.duration_minutes, call.outcome) == ("completed", 20, "Demo booked")
    assert list(call.questions.order_by("order").values_list("asked", "answer")) == [
        (True, "The CFO"),
        (False, ""),
    ]
    assert list(
        call.objections.order_by("order").values_list("text", "encountered", "handled_well")
    ) == [("Too expensive", True, True), ("Bad timing", True, False)]


def test_the_log_form_needs_an_outcome(client, rep):
    call = plan(rep)
    client.force_login(rep)

    response = client.post(f"/calls/{call.pk}/log/", {"result": "held", "outcome": ""})

    assert response.status_code == 200
    assert "Say how the call went." in response.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.PLANNED


def test_it_logs_a_no_show_and_a_reschedule(client, rep):
    missed, moved = plan(rep), plan(rep)
    client.force_login(rep)

    client.post(f"/calls/{missed.pk}/log/", {"result": "no_show", "note": "Not there"})
    response = client.post(
        f"/calls/{moved.pk}/log/", {"result": "rescheduled", "new_scheduled_at": LATER}
    )

    missed.refresh_from_db()
    moved.refresh_from_db()
    new = Call.objects.get(rescheduled_from=moved)
    assert (missed.status, missed.outcome) == ("no_show", "Not there")
    assert moved.status == "rescheduled"
    assert response["Location"] == f"/calls/{new.pk}/"


def test_it_debriefs_with_a_reason_per_unasked_question(client, rep, manager):
    call = complete(plan(rep), asked=(True, False))
    q2 = call.questions.get(asked=False)
    client.force_login(rep)

    page = client.get(f"/calls/{call.pk}/debrief/")
    missing = client.post(
        f"/calls/{call.pk}/debrief/", {"went_well": "Rapport", "request_review": "on"}
    )
    saved = client.post(
        f"/calls/{call.pk}/debrief/",
        {
            "went_well": "Rapport",
            f"reason_{q2.pk}": "No time",
            "problem": ["Legal review", ""],
            "proposed_solution": ["Send the DPA", ""],
            "request_review": "on",
        },
    )

    assert "Q2" in page.content.decode()
    assert f"Ask {manager.display_name} to review this call" in page.content.decode()
    assert "Say why you did not ask: “Q2”." in missing.content.decode()
    assert saved.status_code == 302
    call.refresh_from_db()
    assert call.status == Call.Status.DEBRIEFED
    assert call.review_requested_at is not None
    assert call.unresolved_problems == [
        {"problem": "Legal review", "proposed_solution": "Send the DPA"}
    ]


def test_the_manager_reviews_from_the_queue_and_the_rep_acknowledges(client, rep, manager):
    call = call_in_status(rep, Call.Status.DEBRIEFED)
    client.force_login(manager)

    queue = client.get("/calls/reviews/")
    page = client.get(f"/calls/{call.pk}/review/")
    response = client.post(
        f"/calls/{call.pk}/review/",
        {
            "feedback": "Ask about budget first",
            "coaching_points": "Budget early",
            "preparation": "4",
            "questioning": "3",
            "objection_handling": "5",
            "next_step": "2",
        },
    )

    assert f'href="/calls/{call.pk}/review/"' in queue.content.decode()
    assert "Plan and execution" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/calls/reviews/"
    call.refresh_from_db()
    assert (call.status, call.reviewer, call.rating_next_step) == ("reviewed", manager, 2)

    client.force_login(rep)
    detail = client.get(f"/calls/{call.pk}/").content.decode()
    assert "Ask about budget first" in detail
    client.post(f"/calls/{call.pk}/acknowledge/")
    call.refresh_from_db()
    assert call.acknowledged_at is not None


def test_a_review_needs_all_four_ratings(client, rep, manager):
    call = call_in_status(rep, Call.Status.DEBRIEFED)
    client.force_login(manager)

    response = client.post(f"/calls/{call.pk}/review/", {"feedback": "ok", "preparation": "4"})

    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == Call.Status.DEBRIEFED


def test_who_may_open_the_review_page(client, rep, manager, other_manager):
    call = call_in_status(rep, Call.Status.DEBRIEFED)

    client.force_login(other_manager)
    assert client.get(f"/calls/{call.pk}/review/").status_code == 404
    assert client.post(f"/calls/{call.pk}/review/", {"feedback": "x"}).status_code == 404
    client.force_login(rep)
    refused = client.get(f"/calls/{call.pk}/review/", follow=True)
    assert "You cannot review your own call" in refused.content.decode()
    client.force_login(manager)
    assert client.get(f"/calls/{call.pk}/review/").status_code == 200
    call.refresh_from_db()
    assert call.status == Call.Status.DEBRIEFED


def test_another_team_gets_404_on_every_call_page(client, rep, other_rep):
    call = plan(rep)
    client.force_login(other_rep)

    for path in ("", "edit/", "log/", "debrief/", "review/"):
        assert client.get(f"/calls/{call.pk}/{path}").status_code == 404, path
    for path in ("no-show/", "cancel/", "acknowledge/", "request-review/"):
        assert client.post(f"/calls/{call.pk}/{path}").status_code == 404, path
    call.refresh_from_db()
    assert call.status == Call.Status.PLANNED


def test_the_manager_cannot_log_a_reps_call_from_the_page(client, rep, manager):
    call = plan(rep)
    client.force_login(manager)

    response = client.post(f"/calls/{call.pk}/cancel/", follow=True)

    assert (
        f"Only {rep.display_name}, who owns this call, can cancel it." in response.content.decode()
    )
    call.refresh_from_db()
    assert call.status == Call.Status.PLANNED


def test_pages_of_call_management_are_gated_by_role(client, roles):
    role = SalesRole.objects.create(name="Ops", slug="ops", processes=["deals"])
    outsider = UserFactory(username="ops", role=role)
    client.force_login(outsider)

    response = client.get("/calls/")

    assert response.status_code == 403
    assert "Call management" in response.content.decode()
    assert client.get("/calls/plan/").status_code == 403


def test_review_queue_and_coaching_are_for_managers(client, rep, manager):
    client.force_login(rep)
    assert client.get("/calls/reviews/").status_code == 403
    response = client.get("/calls/coaching/")
    assert response.status_code == 403
    assert "This page is for managers" in response.content.decode()
    client.force_login(manager)
    assert client.get("/calls/reviews/").status_code == 200
    assert client.get("/calls/coaching/").status_code == 200


def test_the_agenda_sorts_the_reps_calls(client, rep):
    now = timezone.now()
    overdue = plan(rep, when=now - timedelta(days=2), purpose="Overdue call")
    upcoming = plan(rep, when=now + timedelta(days=3), purpose="Upcoming call")
    to_debrief = complete(plan(rep, when=now - timedelta(days=1), purpose="Needs a debrief"))
    client.force_login(rep)

    response = client.get("/calls/")

    ctx = response.context
    assert [c.pk for c in ctx["to_log"]] == [overdue.pk]
    assert [c.pk for c in ctx["upcoming"]] == [upcoming.pk]
    assert [c.pk for c in ctx["awaiting_debrief"]] == [to_debrief.pk]


def test_the_home_widget_shows_todays_calls(client, rep):
    today = timezone.localtime().replace(hour=12, minute=0)
    plan(rep, when=today, purpose="Lunch call")
    client.force_login(rep)

    response = client.get("/")

    assert "Today's calls" in response.content.decode()
    assert "Lunch call" in response.content.decode()


def test_the_follow_up_starts_from_the_calls_next_steps(client, rep):
    CallTypeFactory(name="Follow-up", bank=["Any news?"])
    call = complete(
        plan(rep, questions=["Q1", "Q2"]), asked=(True, False), next_steps="Send pricing"
    )
    client.force_login(rep)

    page = client.get(f"/calls/plan/?follow_up_of={call.pk}").content.decode()

    assert 'value="Send pricing"' in page
    assert ">Q2</textarea>" in page
    assert ">Any news?</textarea>" in page


def _many_calls(rep, teammate, manager, n):
    for i in range(n):
        owner = rep if i % 2 else teammate
        call_in_status(owner, Call.Status.DEBRIEFED)


@pytest.mark.parametrize(
    ("path", "most"),
    [("/calls/reviews/", 5), ("/calls/coaching/", 10), ("/calls/all/", 8), ("/calls/", 9)],
)
def test_pages_keep_a_constant_number_of_queries(
    client, rep, teammate, manager, django_assert_max_num_queries, path, most
):
    client.force_login(manager)
    _many_calls(rep, teammate, manager, 3)
    with django_assert_max_num_queries(most):
        assert client.get(path).status_code == 200
    _many_calls(rep, teammate, manager, 27)
    with django_assert_max_num_queries(most):
        assert client.get(path).status_code == 200


# -- settings ---------------------------------------------------------------------


def test_an_admin_adds_a_call_type_with_its_question_bank(client, admin):
    client.force_login(admin)

    response = client.post(
        "/calls/settings/call-types/",
        {
            "name": "Discovery",
            "description": "First call",
            "default_duration_minutes": "30",
            "order": "0",
            "is_active": "on",
            "question": ["Why now?", "", "Who decides?"],
        },
    )

    assert response.status_code == 302
    call_type = CallType.objects.get()
    assert list(call_type.questions.values_list("text", flat=True)) == ["Why now?", "Who decides?"]


def test_an_admin_edits_the_objection_library(client, admin):
    objection = ObjectionFactory(text="Too expensive")
    client.force_login(admin)

    client.post(
        "/calls/settings/objections/",
        {"text": "Busy", "suggested_response": "Ask when", "is_active": "on"},
    )
    client.post(
        f"/calls/settings/objections/{objection.pk}/",
        {"text": "Too pricey", "suggested_response": "Payback", "is_active": "on"},
    )

    assert sorted(Objection.objects.values_list("text", flat=True)) == ["Busy", "Too pricey"]


def test_settings_pages_are_404_for_reps(client, rep):
    client.force_login(rep)

    assert client.get("/calls/settings/call-types/").status_code == 404
    assert client.get("/calls/settings/objections/").status_code == 404
    assert client.post("/calls/settings/objections/", {"text": "x"}).status_code == 404
    assert Objection.objects.count() == 0


def test_calls_panels_sit_on_contact_account_deal_and_lead_pages(rf, rep, other_rep):
    from salesproc.registry import panels_for

    contact = ContactFactory(owner=rep)
    deal = DealFactory(owner=rep, account=contact.account)
    lead = LeadFactory(owner=rep)
    mine = plan(rep, contact=contact, deal=deal)
    about_lead = plan(rep, contact=None, lead=lead)
    request = rf.get("/")
    request.user = rep

    for record, param, expected in (
        (contact, "contact", [mine]),
        (contact.account, "account", [mine]),
        (deal, "deal", [mine]),
        (lead, "lead", [about_lead]),
    ):
        panel = next(p for p in panels_for(request, record) if p["key"] == "calls")
        assert panel["context"]["calls"] == expected
        assert panel["context"]["plan_url"] == f"/calls/plan/?{param}={record.pk}"
    request.user = other_rep
    assert (
        next(p for p in panels_for(request, contact) if p["key"] == "calls")["context"]["calls"]
        == []
    )


def test_planning_from_a_deal_offers_its_primary_contact(client, rep):
    contact = ContactFactory(owner=rep)
    deal = DealFactory(owner=rep, account=contact.account, primary_contact=contact)
    client.force_login(rep)

    page = client.get(f"/calls/plan/?deal={deal.pk}")
    response = client.post(
        f"/calls/plan/?deal={deal.pk}", _plan_post(deal=deal.pk, contact=contact.pk)
    )

    form = page.context["form"]
    assert form["contact"].value() == contact.pk
    assert "lead" not in form.fields
    assert response.status_code == 302
    call = Call.objects.get()
    assert (call.deal, call.contact, call.account) == (deal, contact, deal.account)


def test_one_click_plans_the_follow_up(client, rep):
    CallTypeFactory(name="Follow-up", bank=["Any news?"])
    call = complete(
        plan(rep, questions=["Q1", "Q2"]), asked=(True, False), next_steps="Send pricing"
    )
    client.force_login(rep)

    response = client.post(f"/calls/{call.pk}/follow-up/", {"in_days": "7"})

    follow_up = Call.objects.get(follow_up_of=call)
    assert response["Location"] == f"/calls/{follow_up.pk}/"
    assert follow_up.status == Call.Status.PLANNED
    assert follow_up.purpose == "Send pricing"
    assert follow_up.scheduled_at > call.scheduled_at + timedelta(days=6)
    assert follow_up.scheduled_at.weekday() < 5
    assert list(follow_up.questions.values_list("text", flat=True)) == ["Q2", "Any news?"]


def test_a_planned_call_has_no_follow_up_yet(client, rep):
    call = plan(rep)
    client.force_login(rep)

    response = client.post(f"/calls/{call.pk}/follow-up/", follow=True)

    assert "Plan a follow-up once the call has been held." in response.content.decode()
    assert not Call.objects.filter(follow_up_of=call).exists()
