"""Workflows in a real browser: an admin turns on the shipped follow-up rule, a rep
completes a call with a next step, and the follow-up is in the rep's agenda."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from automation.workflows.examples import ensure_examples
from automation.workflows.models import WorkflowRule, WorkflowRuleVersion, WorkflowRun
from calls.models import Call
from tests.calls.factories import plan
from tests.factories import ContactFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_an_admin_turns_on_the_follow_up_rule_and_the_reps_call_gets_its_follow_up(
    page, new_page, live_server, login, roles
):
    ensure_examples(WorkflowRule, WorkflowRuleVersion)  # the live server's database is flushed
    north = TeamFactory(name="North")
    UserFactory(username="boss", first_name="Ada", role=roles["admin"], is_staff=True)
    rep1 = UserFactory(username="rep1", first_name="Ravi", role=roles["inside-rep"], team=north)
    contact = ContactFactory(owner=rep1, account__owner=rep1, account__name="Crescent Media")
    call = plan(
        rep1,
        contact=contact,
        purpose="Walk them through the pricing",
        when=timezone.now() + timedelta(hours=1),
        questions=[],
        objections=[],
    )

    # The admin finds the shipped rule under Settings -> Workflows and turns it on.
    login(page, live_server, "boss")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name=re.compile("^Workflows")).click()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    page.get_by_role("button", name="Turn on Plan the follow-up call").click()
    expect(page.get_by_text("“Plan the follow-up call” is switched on.")).to_be_visible()
    assert WorkflowRule.objects.get(example_key="follow_up_call").active

    # The rep logs the call with a next step.
    rep_page = new_page()
    login(rep_page, live_server, "rep1")
    rep_page.goto(f"{live_server.url}/calls/{call.pk}/")
    rep_page.get_by_role("link", name="Log the call").first.click()
    rep_page.get_by_label(re.compile("^Outcome")).fill("They liked the pricing.")
    rep_page.get_by_label("Next steps").fill("Send the proposal")
    rep_page.get_by_role("button", name="Save").click()
    expect(rep_page.get_by_role("heading", name="Debrief")).to_be_visible()

    # The follow-up is in the rep's agenda, a week later.
    rep_page.goto(f"{live_server.url}/calls/")
    expect(rep_page.get_by_role("link", name="Send the proposal")).to_be_visible()
    follow_up = Call.objects.get(follow_up_of=call)
    assert follow_up.owner == rep1 and follow_up.status == Call.Status.PLANNED
    assert timezone.localdate(follow_up.scheduled_at) == timezone.localdate() + timedelta(days=7)

    # The admin reads the run in the rule's log.
    page.get_by_role("link", name="Plan the follow-up call").click()
    page.get_by_role("link", name="Run log").click()
    expect(page.get_by_text(re.compile("Planned the follow-up"))).to_be_visible()
    assert WorkflowRun.objects.get().status == "done"
