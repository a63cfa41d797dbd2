"""Opportunity management in a real browser: a rep fills a plan with a stakeholder and a
competitor, sees its completeness on the board card, and a manager opens what works."""

from playwright.sync_api import expect

from opportunities.models import OpportunityPlan
from tests.factories import ContactFactory, DealFactory, PipelineFactory
from tests.opportunities.conftest import seed_starting_lists


def test_a_rep_fills_a_plan_and_a_manager_opens_what_works(
    page, new_page, live_server, login, rep, manager
):
    seed_starting_lists()
    from opportunities.models import Competitor

    Competitor.objects.get_or_create(name="Northwind CRM")
    pipeline = PipelineFactory(name="New business")
    deal = DealFactory(owner=rep, pipeline=pipeline, name="Acme rollout", amount=40000)
    ContactFactory(owner=rep, account=deal.account, first_name="Erin", last_name="Buyer")
    login(page, live_server, rep.username)

    page.goto(f"{live_server.url}/deals/{deal.pk}/")
    page.get_by_role("button", name="Start the opportunity plan").click()
    expect(page.get_by_role("heading", name="Opportunity plan")).to_be_visible()

    plan_form = page.locator("#plan-form")
    plan_form.get_by_label("The problem, in the customer's words").fill("Quotes take a week")
    plan_form.get_by_label("Primary win strategy").select_option(label="Proof of concept or pilot")
    plan_form.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Opportunity plan saved.")).to_be_visible()

    stakeholder = page.locator("#stakeholder-form")
    stakeholder.get_by_label("Contact of the account").select_option(label="Erin Buyer")
    stakeholder.get_by_label("Buying role").select_option("economic_buyer")
    stakeholder.get_by_label("Influence").select_option("high")
    stakeholder.get_by_role("button", name="Add to the buying group").click()
    expect(page.get_by_text("Erin Buyer added to the buying group.")).to_be_visible()
    expect(page.locator(".stakeholder-map")).to_contain_text("Erin Buyer")

    competitor = page.locator("#competitor-form")
    competitor.get_by_label("Competitor").select_option(label="Northwind CRM")
    competitor.get_by_role("button", name="Add competitor").click()
    expect(page.get_by_text("Northwind CRM added.")).to_be_visible()

    completeness = OpportunityPlan.objects.get(deal=deal).completeness
    assert completeness == 44  # problem, economic buyer, competition, strategy: 4 of 9
    expect(page.locator("h1 .plan-completeness")).to_have_text("44% complete")

    page.goto(f"{live_server.url}/deals/board/")
    card = page.locator(f'.deal-card[data-deal="{deal.pk}"]')
    expect(card.get_by_text("Plan 44%")).to_be_visible()

    boss = new_page()
    login(boss, live_server, manager.username)
    boss.goto(f"{live_server.url}/opportunities/what-works/?group_by=coverage")
    expect(boss.get_by_role("heading", name="What works")).to_be_visible()
    expect(boss.get_by_role("heading", name="Win rate by stakeholder coverage")).to_be_visible()
    boss.goto(f"{live_server.url}/opportunities/")
    expect(boss.get_by_role("heading", name="Opportunities")).to_be_visible()
