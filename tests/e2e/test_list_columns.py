"""In a real browser: the Columns menu hides a column and keeps the filters htmx put in
the address bar; a filter change keeps the columns; saving the list as a view keeps them."""

import re

import pytest
from playwright.sync_api import expect

from salesproc.models import SavedView
from tests.factories import AccountFactory

pytestmark = pytest.mark.e2e


def test_columns_survive_filters_and_go_into_the_view(live_server, page, login, rep):
    AccountFactory(owner=rep, name="Acme Robotics", industry="Robotics")
    AccountFactory(owner=rep, name="Birch Foods", industry="Food")
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/accounts/companies/")
    header = page.locator("#results thead")
    expect(header).to_contain_text("Industry")

    page.locator("#q").fill("Acme")  # htmx filters and pushes q=Acme
    expect(page).to_have_url(re.compile(r"q=Acme"))
    page.get_by_text("Columns", exact=True).click()
    page.locator(".columns-form").get_by_label("Industry").uncheck()
    page.get_by_role("button", name="Show these columns").click()
    expect(page).to_have_url(re.compile(r"columns=-.*q=Acme|q=Acme.*columns=-"))
    expect(header).not_to_contain_text("Industry")
    expect(page.locator("#results")).not_to_contain_text("Birch Foods")

    page.locator("#q").fill("")  # a filter change through htmx keeps the columns
    expect(page.locator("#results")).to_contain_text("Birch Foods")
    expect(page).to_have_url(re.compile(r"columns=-"))
    expect(header).not_to_contain_text("Industry")
    expect(header).to_contain_text("Owner")

    page.get_by_text("Save as a view").click()
    page.get_by_label("View name").fill("Lean")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("View “Lean” saved.")).to_be_visible()
    view = SavedView.objects.get()
    assert "industry" not in view.columns and "owner" in view.columns
    page.get_by_role("link", name="All", exact=True).click()
    expect(header).to_contain_text("Industry")
    page.get_by_role("link", name="Lean").click()
    expect(header).not_to_contain_text("Industry")
