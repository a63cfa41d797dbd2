"""The opportunity plan's stage gate on the board: dragging a deal out of a stage that
needs a complete plan is refused in the board's dialog, naming what is missing, and the
deal stays in its column."""

from playwright.sync_api import expect

from deals.models import Deal
from opportunities import services
from opportunities.models import StageRule
from tests.factories import DealFactory, PipelineFactory
from tests.opportunities.conftest import seed_starting_lists


def _column(page, name):
    return page.locator(".board-column", has=page.get_by_role("heading", name=name))


def test_dragging_a_deal_out_of_a_gated_stage_shows_what_the_plan_misses(
    page, live_server, login, rep
):
    seed_starting_lists()
    pipeline = PipelineFactory(name="New business")
    prospecting = pipeline.stages.get(name="Prospecting")
    StageRule.objects.create(stage=prospecting, requires_complete_plan=True)
    deal = DealFactory(owner=rep, pipeline=pipeline, name="Gated deal", amount=30000)
    plan = services.plan_create(actor=rep, deal=deal)
    services.plan_update(
        actor=rep,
        plan=plan,
        version=plan.version,
        fields=services.PlanFields.of(plan, problem="Quotes take a week"),
    )
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/deals/board/")

    card = page.locator(f'.deal-card[data-deal="{deal.pk}"]')
    card.drag_to(_column(page, "Discovery"))

    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    refusal = dialog.get_by_role("alert")
    expect(refusal).to_contain_text(
        "Before the deal leaves Prospecting: Prospecting needs a complete opportunity plan "
        "(11% now); missing: its impact; the outcome the customer wants;"
    )
    expect(refusal).to_contain_text("an economic buyer; a champion")
    expect(refusal).not_to_contain_text("the business problem")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(_column(page, "Prospecting").get_by_role("link", name="Gated deal")).to_be_visible()
    expect(_column(page, "Discovery").get_by_role("link", name="Gated deal")).to_have_count(0)
    assert Deal.objects.get(pk=deal.pk).stage_id == prospecting.pk
