"""The deal board in a real browser: drag a card to the next stage, confirm the exit
criteria in the prompt, and find the moves in the deal's stage history."""

from playwright.sync_api import expect

from deals.models import Deal
from tests.deals.factories import pipeline_with_criteria
from tests.factories import DealFactory


def _drag(page, deal, column_name):
    card = page.locator(f'.deal-card[data-deal="{deal.pk}"]')
    column = page.locator(".board-column", has=page.get_by_role("heading", name=column_name))
    card.drag_to(column)


def test_it_drags_a_deal_across_the_board_and_shows_its_history(page, live_server, login, rep):
    pipeline = pipeline_with_criteria(name="New business")
    deal = DealFactory(owner=rep, pipeline=pipeline, name="Drag me", amount=12000)
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/deals/board/")

    # Prospecting has no exit criteria: the drop moves the deal straight away
    _drag(page, deal, "Discovery")
    discovery = page.locator(".board-column", has=page.get_by_role("heading", name="Discovery"))
    expect(discovery.get_by_role("link", name="Drag me")).to_be_visible()
    assert Deal.objects.get(pk=deal.pk).stage.name == "Discovery"

    # Discovery has exit criteria: the drop opens the checklist instead of moving
    _drag(page, deal, "Proposal")
    dialog = page.locator("#move-dialog")
    expect(dialog.get_by_text("Budget confirmed")).to_be_visible()
    assert Deal.objects.get(pk=deal.pk).stage.name == "Discovery"
    dialog.get_by_label("Budget confirmed").check()
    dialog.get_by_label("Decision maker met").check()
    dialog.get_by_role("button", name="Move deal").click()
    expect(page.get_by_text("Moved “Drag me” to Proposal.")).to_be_visible()
    proposal = page.locator(".board-column", has=page.get_by_role("heading", name="Proposal"))
    expect(proposal.get_by_role("link", name="Drag me")).to_be_visible()

    page.get_by_role("link", name="Drag me").click()
    history = page.locator("#stage-history")
    expect(history.get_by_role("cell", name="Proposal")).to_be_visible()
    expect(history.get_by_text("Budget confirmed · Decision maker met")).to_be_visible()
    assert list(
        Deal.objects.get(pk=deal.pk)
        .stage_history.order_by("id")
        .values_list("to_stage__name", flat=True)
    ) == ["Prospecting", "Discovery", "Proposal"]


def test_it_moves_a_deal_with_the_keyboard_menu(page, live_server, login, rep):
    pipeline = pipeline_with_criteria(name="New business")
    deal = DealFactory(owner=rep, pipeline=pipeline, name="Keyboard deal")
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/deals/board/")

    card = page.locator(f'.deal-card[data-deal="{deal.pk}"]')
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    card.get_by_label("Move Keyboard deal to").select_option(label="Discovery")
    card.get_by_role("button", name="Move", exact=True).last.click()

    expect(page.get_by_text("Moved “Keyboard deal” to Discovery.")).to_be_visible()
    assert Deal.objects.get(pk=deal.pk).stage.name == "Discovery"
