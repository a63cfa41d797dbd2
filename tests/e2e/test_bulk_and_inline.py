"""Bulk actions and inline edit in a real browser: select rows on the lead list and
reassign them; edit a deal's amount on the board and in the list."""

from decimal import Decimal

from playwright.sync_api import expect

from deals.models import Deal
from leads.models import Lead
from tests.factories import DealFactory, LeadFactory


def test_a_manager_selects_leads_and_reassigns_them(
    page, live_server, login, manager, rep, teammate
):
    picked = [LeadFactory(owner=rep, last_name=f"Picked{i}") for i in range(3)]
    kept = LeadFactory(owner=rep, last_name="Kept")
    login(page, live_server, manager.username)
    page.goto(f"{live_server.url}/leads/")

    bar = page.locator("#bulk-lead")
    expect(bar.get_by_text("No rows selected")).to_be_visible()
    expect(bar.get_by_role("button", name="Apply")).to_be_disabled()
    page.get_by_label("Select all rows on this page").check()
    expect(bar.get_by_text("4 selected")).to_be_visible()
    page.get_by_label(f"Select {kept}").uncheck()
    expect(bar.get_by_text("3 selected")).to_be_visible()

    bar.get_by_label("Action").select_option(label="Reassign owner")
    expect(bar.get_by_label("Reason")).to_be_hidden()  # only the chosen action's fields
    bar.get_by_label("New owner").select_option(label=teammate.display_name)
    bar.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("heading", name="Reassign owner")).to_be_visible()
    expect(page.get_by_role("heading", name="Done (3)")).to_be_visible()
    assert {lead.owner_id for lead in Lead.objects.filter(pk__in=[p.pk for p in picked])} == {
        teammate.pk
    }
    assert Lead.objects.get(pk=kept.pk).owner == rep
    page.get_by_role("link", name="Back to the list").click()
    expect(page.locator("#bulk-lead")).to_be_visible()


def test_inline_edit_on_the_board_and_the_list(page, live_server, login, rep):
    deal = DealFactory(owner=rep, name="Inline me", amount=5000)
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/deals/board/")
    card = page.locator(f"#deal-card-{deal.pk}")
    card.locator("button.inline-value", has_text="5,000").click()
    field = card.get_by_label("Amount of Inline me")
    field.fill("6400")
    card.get_by_role("button", name="Save").click()
    expect(page.locator(f"#deal-card-{deal.pk}").get_by_text("6,400")).to_be_visible()
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("6400")

    page.goto(f"{live_server.url}/deals/")
    row = page.locator(f"#deal-row-{deal.pk}")
    row.locator("button.inline-value", has_text="6,400").click()
    row.get_by_label("Amount of Inline me").fill("7100")
    row.get_by_label("Amount of Inline me").press("Enter")
    expect(page.locator(f"#deal-row-{deal.pk}").get_by_text("7,100")).to_be_visible()
    # a second edit on the refreshed row carries the new version: no false "changed" notice
    page.locator(f"#deal-row-{deal.pk}").locator("button.inline-value", has_text="7,100").click()
    page.locator(f"#deal-row-{deal.pk}").get_by_label("Amount of Inline me").fill("7200")
    page.locator(f"#deal-row-{deal.pk}").get_by_role("button", name="Save").click()
    expect(page.locator(f"#deal-row-{deal.pk}").get_by_text("7,200")).to_be_visible()
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("7200")
