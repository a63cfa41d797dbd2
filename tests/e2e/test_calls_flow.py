"""Call management in a real browser: rep1 plans a call from a contact page, logs it and
debriefs it; manager1 reviews it from the queue; rep1 reads the feedback."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from calls.models import Call, Objection
from tests.calls.factories import CallTypeFactory, plan
from tests.factories import ContactFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def sales_team(roles):
    """rep1 in team North, managed by manager1 (the demo's names)."""
    north = TeamFactory(name="North")
    manager1 = UserFactory(
        username="manager1",
        first_name="Maria",
        last_name="Lopez",
        role=roles["sales-manager"],
        team=north,
    )
    north.manager = manager1
    north.save()
    rep1 = UserFactory(
        username="rep1", first_name="Ravi", last_name="Patel", role=roles["inside-rep"], team=north
    )
    return rep1, manager1


def test_it_takes_a_call_from_plan_to_acknowledged_review(
    page, new_page, live_server, login, sales_team
):
    rep1, manager1 = sales_team
    contact = ContactFactory(
        first_name="Jonas",
        last_name="Schmidt",
        owner=rep1,
        account__owner=rep1,
        account__name="Crescent Media",
    )
    CallTypeFactory(name="Discovery", order=0, bank=["Who else decides?", "Is there a budget?"])
    CallTypeFactory(name="Demo", order=1, bank=["Which need matters most?"])
    Objection.objects.create(
        text="It's too expensive.", suggested_response="Show the payback period."
    )

    # rep1 plans a call from the contact's page
    login(page, live_server, "rep1")
    page.goto(f"{live_server.url}/accounts/contacts/{contact.pk}/")
    page.locator("#calls").get_by_role("link", name="Plan a call").click()
    expect(page.get_by_role("heading", name="Plan a call")).to_be_visible()
    expect(page.get_by_text("Jonas Schmidt, Crescent Media")).to_be_visible()
    questions = page.locator('[name="question"]')
    expect(questions.nth(0)).to_have_value("Who else decides?")
    expect(questions.nth(1)).to_have_value("Is there a budget?")

    # switching the call type swaps the untouched bank questions, and back
    page.get_by_label("Call type").select_option(label="Demo")
    expect(questions.nth(0)).to_have_value("Which need matters most?")
    page.get_by_label("Call type").select_option(label="Discovery")
    expect(questions.nth(0)).to_have_value("Who else decides?")

    page.get_by_label("Purpose").fill("Find out who decides and the budget")
    questions.nth(2).fill("When do they plan to start?")
    objection = page.locator('input[name="objection_text"]').first
    objection.fill("It's too expensive.")
    objection.dispatch_event("change")
    expect(page.locator('textarea[name="objection_response"]').first).to_have_value(
        "Show the payback period."
    )
    page.get_by_label("Next step to secure").fill("A demo with the CFO")
    page.get_by_role("button", name="Plan the call").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Find out who decides and the budget"
    )
    call = Call.objects.get()
    assert list(call.questions.values_list("text", flat=True)) == [
        "Who else decides?",
        "Is there a budget?",
        "When do they plan to start?",
    ]
    assert call.objections.get().library_objection is not None

    # rep1 logs the call: two of three questions asked, the objection came up
    page.get_by_role("link", name="Log the call").first.click()
    page.get_by_label("Answer to: Who else decides?").fill("The CFO and the COO")
    expect(page.get_by_label("Who else decides?", exact=True)).to_be_checked()
    page.get_by_label("Answer to: When do they plan to start?").fill("In March")
    page.get_by_label(re.compile("Came up")).check()
    page.get_by_label("How you answered: It's too expensive.").fill("Walked through the payback")
    page.locator(".met-row select").select_option("yes")
    page.get_by_label(re.compile("^Outcome")).fill("They want a demo with the CFO.")
    page.get_by_label("Next steps").fill("Book the demo")
    page.get_by_role("button", name="Save").click()

    # ... and lands on the debrief, where the unasked question is listed
    expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
    page.get_by_label("Is there a budget?").fill("The CFO was not on the call")
    page.get_by_label("What went well?").fill("Mapped the decision makers")
    page.get_by_placeholder("A problem still open").first.fill("No budget owner yet")
    page.get_by_placeholder("The solution you propose").first.fill(
        "Ask the COO to introduce the CFO"
    )
    expect(page.get_by_label("Ask Maria Lopez to review this call")).to_be_checked()
    page.get_by_role("button", name="Save the debrief").click()
    expect(page.get_by_text("Your manager has been asked to review it.")).to_be_visible()

    # manager1 reviews it from the queue
    manager_page = new_page()
    login(manager_page, live_server, "manager1")
    manager_page.get_by_role("navigation", name="Main", exact=True).get_by_role(
        "link", name="Review queue"
    ).click()
    manager_page.get_by_role("link", name="Find out who decides and the budget").click()
    expect(manager_page.get_by_role("heading", name="Review Ravi Patel's call")).to_be_visible()
    expect(manager_page.get_by_text("Why: The CFO was not on the call").first).to_be_visible()
    for legend, score in (
        ("Preparation", "4"),
        ("Questioning", "3"),
        ("Objection handling", "5"),
        ("Next step secured", "4"),
    ):
        manager_page.locator("fieldset", has_text=legend).get_by_role("radio", name=score).check()
    manager_page.get_by_label("Feedback").fill("Good mapping. Ask the budget question earlier.")
    manager_page.get_by_label("Coaching points").fill("Budget question in the first third")
    manager_page.get_by_role("button", name="Send the review").click()
    expect(manager_page.get_by_text("Review sent to Ravi Patel.")).to_be_visible()
    expect(manager_page.get_by_role("heading", name="Nothing waiting")).to_be_visible()

    # rep1 sees the feedback and acknowledges it
    page.goto(f"{live_server.url}/calls/")
    page.get_by_role("link", name="Find out who decides and the budget").first.click()
    expect(page.get_by_text("Good mapping. Ask the budget question earlier.")).to_be_visible()
    page.get_by_role("button", name="Got it").first.click()
    expect(page.get_by_text("Review acknowledged.")).to_be_visible()
    call.refresh_from_db()
    assert (call.status, call.reviewer, call.rating_objection_handling) == ("reviewed", manager1, 5)
    assert call.acknowledged_at is not None


def test_the_log_form_shows_only_what_fits_how_the_call_went(page, live_server, login, sales_team):
    rep1, _ = sales_team
    call = plan(rep1, purpose="Check the renewal")
    login(page, live_server, "rep1")
    page.goto(f"{live_server.url}/calls/{call.pk}/log/")

    outcome = page.get_by_label(re.compile("^Outcome"))
    new_time = page.get_by_label("New date and time")
    expect(outcome).to_be_visible()
    expect(new_time).to_be_hidden()

    page.get_by_role("radio", name="Rescheduled").check()
    expect(new_time).to_be_visible()
    expect(outcome).to_be_hidden()

    page.get_by_role("radio", name="No-show").check()
    expect(new_time).to_be_hidden()
    page.get_by_label("Note").fill("Did not join the video call")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Marked as a no-show.")).to_be_visible()
    call.refresh_from_db()
    assert (call.status, call.outcome) == ("no_show", "Did not join the video call")


def test_a_follow_up_scheduled_in_the_log_form_is_not_offered_again(
    page, live_server, login, sales_team
):
    rep1, _ = sales_team
    call = plan(rep1, purpose="Agree the pilot", questions=["Who signs?"], objections=[])
    login(page, live_server, "rep1")
    page.goto(f"{live_server.url}/calls/{call.pk}/log/")

    page.get_by_label(re.compile("^Outcome")).fill("They want a pilot.")
    page.get_by_label("Next steps").fill("Send the pilot plan")
    follow_up_at = (call.scheduled_at + timedelta(days=7)).astimezone()
    page.get_by_label("Schedule the follow-up call").fill(follow_up_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Follow-up planned for .*Send the pilot plan"))
    ).to_be_visible()
    page.goto(f"{live_server.url}/calls/{call.pk}/")
    expect(page.get_by_role("button", name="Follow up in a week")).to_have_count(0)
    expect(page.get_by_role("link", name="Plan another follow-up…")).to_be_visible()
    assert Call.objects.filter(follow_up_of=call).count() == 1
