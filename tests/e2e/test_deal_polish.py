"""Issue 15's deal polish in a real browser: a refused drag prompt stays on the board,
the forecast roll-up follows a category change, and phone pages fit 390 px."""

from datetime import date

from django.utils import timezone
from playwright.sync_api import expect

from deals.models import Deal
from leads import services as lead_services
from tests.deals.factories import pipeline_with_criteria
from tests.deals.report_factories import closed_deal, open_deal, quota
from tests.factories import DealFactory

from .test_deal_board import _drag


def test_it_keeps_a_refused_drag_prompt_on_the_board(page, live_server, login, rep):
    pipeline = pipeline_with_criteria(name="New business")
    deal = DealFactory(owner=rep, pipeline=pipeline, name="Stay here", amount=12000)
    Deal.objects.filter(pk=deal.pk).update(stage=pipeline.stages.get(name="Discovery"))
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/deals/board/")

    _drag(page, deal, "Proposal")
    dialog = page.locator("#move-dialog")
    expect(dialog.get_by_text("Budget confirmed")).to_be_visible()
    # the checklist opens without an error ...
    expect(dialog.locator(".form-errors")).to_have_count(0)
    dialog.get_by_role("button", name="Move deal").click()

    # ... and sending it unticked keeps the user on the board, the error in the dialog
    expect(dialog.get_by_text("confirm each exit criterion", exact=False)).to_be_visible()
    assert page.url.endswith("/deals/board/")
    expect(page.locator("#board")).to_be_visible()
    dialog.get_by_label("Budget confirmed").check()
    dialog.get_by_label("Decision maker met").check()
    dialog.get_by_role("button", name="Move deal").click()
    expect(page.get_by_text("Moved “Stay here” to Proposal.")).to_be_visible()
    assert page.url.endswith("/deals/board/")
    assert Deal.objects.get(pk=deal.pk).stage.name == "Proposal"


def test_it_updates_the_forecast_rollup_without_a_reload(page, live_server, login, manager, rep):
    open_deal(rep, 12_345, close=timezone.localdate(), category="pipeline")
    login(page, live_server, manager.username)
    page.goto(f"{live_server.url}/deals/forecast/")

    def commit_cell():
        row = page.locator("#rollup-section tbody tr", has_text=rep.display_name)
        return row.locator("td").nth(5)

    expect(commit_cell()).not_to_contain_text("12,345")

    page.get_by_label("Forecast category of").first.select_option("commit")

    expect(page.get_by_text("✓ saved")).to_be_visible()
    expect(commit_cell()).to_contain_text("12,345")
    expect(page.locator("#call-figures")).to_contain_text("12,345")


def _scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_dashboard_and_the_criteria_fit_a_phone(
    new_page, live_server, login, manager, rep, teammate, admin
):
    this_month = timezone.localdate().replace(day=1)
    for person in (rep, teammate):
        quota(person, this_month, 1_250_000)
        closed_deal(person, 987_654, closed=timezone.localdate())
        open_deal(person, 1_234_567, close=date(2027, 3, 1))
    lead_services.criteria_load_preset(actor=admin, preset="bant")
    page = new_page(width=390, height=844)

    login(page, live_server, manager.username)
    page.goto(f"{live_server.url}/deals/dashboard/")
    expect(page.get_by_role("heading", name="Pipeline dashboard")).to_be_visible()
    assert _scroll_width(page) <= 390

    page = new_page(width=390, height=844)
    login(page, live_server, admin.username)
    page.goto(f"{live_server.url}/leads/criteria/")
    expect(page.get_by_role("heading", name="Qualification criteria")).to_be_visible()
    assert _scroll_width(page) <= 390
