"""The pipeline settings page in a real browser: edit two stages, save once, both stay;
Remove asks before it removes."""

import os

from playwright.sync_api import expect

from deals.models import Stage
from tests.factories import PipelineFactory

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def test_it_saves_two_stage_edits_with_one_button_and_asks_before_removing(
    page, live_server, login, admin
):
    pipeline = PipelineFactory(name="New business")
    prospecting = pipeline.stages.get(name="Prospecting")
    discovery = pipeline.stages.get(name="Discovery")
    login(page, live_server, admin.username)
    page.goto(f"{live_server.url}/deals/settings/pipelines/{pipeline.pk}/")

    page.fill(f"#id_s{prospecting.pk}-probability", "15")
    page.fill(f"#id_s{discovery.pk}-probability", "35")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/pipeline-settings.png", full_page=True)
    page.get_by_role("button", name="Save pipeline").first.click()

    expect(page.get_by_text("Pipeline saved.")).to_be_visible()
    assert dict(pipeline.stages.values_list("name", "probability"))["Prospecting"] == 15
    assert dict(pipeline.stages.values_list("name", "probability"))["Discovery"] == 35

    page.get_by_role("button", name="Remove Proposal…").click()
    expect(
        page.get_by_role("heading", name="Remove the stage “Proposal” from New business?")
    ).to_be_visible()
    assert Stage.objects.filter(pipeline=pipeline, name="Proposal").exists()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/stage-remove-confirm.png", full_page=True)
    page.get_by_role("button", name="Remove stage").click()

    expect(page.get_by_text("Stage “Proposal” removed.")).to_be_visible()
    assert not Stage.objects.filter(pipeline=pipeline, name="Proposal").exists()
