"""In a real browser: save a filtered list as a view (the filter applied by htmx), open
the list with it as default; add a note with a mention and tick a task off."""

import re

import pytest
from playwright.sync_api import expect

from salesproc.models import SavedView
from salesproc.todo.services import task_create
from tests.factories import AccountFactory

pytestmark = pytest.mark.e2e


def test_a_rep_saves_a_filtered_list_as_the_default_view(live_server, page, login, rep):
    AccountFactory(owner=rep, name="Acme Robotics")
    AccountFactory(owner=rep, name="Birch Foods")
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/accounts/companies/")
    # the search filters the list through htmx and pushes the address
    page.locator("#q").fill("Acme")
    expect(page).to_have_url(re.compile(r"q=Acme"))
    expect(page.locator("#results")).not_to_contain_text("Birch Foods")
    page.get_by_text("Save as a view").click()
    page.get_by_label("View name").fill("Acme only")
    page.get_by_label("Open the list with it").check()
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("View “Acme only” saved.")).to_be_visible()
    view = SavedView.objects.get()
    assert view.params == {"q": ["Acme"]}
    # opening the plain list now applies the default view
    page.goto(f"{live_server.url}/accounts/companies/")
    expect(page).to_have_url(re.compile(rf"view={view.pk}"))
    expect(page.locator("#results")).to_contain_text("Acme Robotics")
    expect(page.locator("#results")).not_to_contain_text("Birch Foods")
    page.get_by_role("link", name="All", exact=True).click()
    expect(page.locator("#results")).to_contain_text("Birch Foods")


def test_a_rep_writes_a_note_and_ticks_off_a_task_on_an_account(
    live_server, page, login, rep, manager
):
    account = AccountFactory(owner=rep, name="Acme Robotics")
    task_create(
        actor=rep,
        data={"title": "Send the case study", "record_type": "account", "record_id": account.pk},
    )
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}{account.get_absolute_url()}")
    page.get_by_label("Note").fill(f"**Budget** is approved, @{manager.username}.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text(f"Told @{manager.username} about this note.")).to_be_visible()
    expect(page.locator("#record-notes strong", has_text="Budget")).to_be_visible()
    page.locator("#record-tasks").get_by_role(
        "button", name="Mark done: Send the case study"
    ).click()
    expect(page.get_by_text("Done: Send the case study", exact=True)).to_be_visible()
    expect(page.locator("#record-tasks .task-done")).to_contain_text("Send the case study")
