"""An admin adds a qualification criterion; a rep then sees it while qualifying a lead."""

import re

import pytest
from playwright.sync_api import expect

from leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.e2e


def test_it_shows_a_new_criterion_to_the_rep_and_scores_it_live(
    live_server, page, new_page, login, admin, rep
):
    lead = LeadFactory(owner=rep, first_name="Jo", last_name="Ng", employee_count=200)

    # given the admin adds a "Timeline" criterion on the settings page
    login(page, live_server, admin.username)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name=re.compile("Qualification criteria")).click()
    page.get_by_role("link", name="Add criterion").click()
    page.get_by_label("Label").fill("Timeline")
    page.get_by_label("Question").fill("When do they need a solution in place?")
    page.get_by_label("Answered with").select_option("choice")
    page.get_by_label("Weight").fill("20")
    page.get_by_label("Choices").fill("This quarter = 100\nThis year = 50\nNo date = 0")
    page.get_by_role("button", name="Add criterion").click()
    expect(page.get_by_text("“Timeline” added.")).to_be_visible()
    expect(page.locator(".criteria-table")).to_contain_text(
        "When do they need a solution in place?"
    )

    # when the rep opens the qualification view of their lead
    rep_page = new_page()
    login(rep_page, live_server, rep.username)
    rep_page.goto(f"{live_server.url}/leads/{lead.pk}/")
    rep_page.get_by_role("link", name="Qualify", exact=True).click()

    # then the new question is the last of the same ordered list every rep sees
    questions = rep_page.locator(".question .q-text")
    expect(questions).to_have_text(
        [
            "Does this prospect match your ideal customer profile?",
            "Is this person the right decision maker for this purchase?",
            "Does this prospect have the budget to pay for your product or service?",
            "When do they need a solution in place?",
        ]
    )
    # the profile answers the first criterion: 30 of 120 weight points is 25
    score = rep_page.locator("#qualification-result .score-big")
    expect(score).to_have_text("25")

    # and answering updates the score and the reasons without a page reload
    rep_page.evaluate("window.__sameDocument = true")
    rep_page.get_by_label("This quarter").check()
    expect(score).to_have_text("42")
    rep_page.get_by_label("Budget approved").check()
    expect(score).to_have_text("75")
    expect(rep_page.locator("#status-" + str(_criterion_id(rep_page, 3)))).to_contain_text("Met")
    rep_page.get_by_label("Yes, they sign off").check()
    expect(score).to_have_text("100")
    expect(rep_page.locator("#qualification-result")).to_contain_text("Suggested: Qualify")
    assert rep_page.evaluate("window.__sameDocument") is True

    rep_page.get_by_role("button", name="Qualify", exact=True).click()
    expect(rep_page.get_by_text("Qualified with a score of 100.")).to_be_visible()
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.QUALIFIED


def _criterion_id(page, position):
    """The id of the criterion asked at `position` (1-based), from its radio buttons."""
    name = (
        page.locator(".question")
        .nth(position - 1)
        .locator("input[type=radio]")
        .first.get_attribute("name")
    )
    return int(name.split("-")[1])
