"""The header in a real browser: keyboard shortcuts, the search dropdown, the quick-create
dialog, Esc closing menus and dialogs (the phone menu too), and a type-ahead picker."""

import re

from playwright.sync_api import expect

from accounts.models import Contact
from calls.models import Call
from salesproc.todo.models import Task
from tests.factories import AccountFactory, ContactFactory, DealFactory


def test_keyboard_shortcuts(page, live_server, login, rep):
    AccountFactory(name="Aspen Robotics", owner=rep)
    DealFactory(owner=rep)
    login(page, live_server, rep.username)
    search = page.locator("#global-search")

    # / focuses the search; the dropdown lists matches; arrows reach them; Esc closes.
    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("aspen")
    dropdown = page.locator("#search-dropdown")
    expect(dropdown.get_by_role("link", name=re.compile("Aspen Robotics"))).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(dropdown.locator("[data-search-hit]").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(dropdown).to_be_hidden()
    expect(search).to_be_focused()

    # Shortcuts do nothing while typing in a field.
    search.fill("")
    page.keyboard.type("gd")
    expect(page).to_have_url(f"{live_server.url}/")
    search.blur()

    # ? lists the shortcuts; Esc closes the list.
    page.keyboard.press("?")
    shortcuts = page.locator("#shortcuts")
    expect(shortcuts).to_be_visible()
    expect(shortcuts).to_contain_text("Go to deals")
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()

    # g then d / l / c / a / h go to deals, leads, calls, accounts, home.
    for keys, path in (
        ("gd", "/deals/board/"),
        ("gl", "/leads/"),
        ("gc", "/calls/"),
        ("ga", "/accounts/companies/"),
        ("gh", "/"),
    ):
        page.keyboard.press(keys[0])
        page.keyboard.press(keys[1])
        expect(page).to_have_url(f"{live_server.url}{path}")
        page.wait_for_load_state("domcontentloaded")


def test_quick_create_from_an_account_page(page, live_server, login, rep):
    account = AccountFactory(name="Aspen Robotics", owner=rep)
    login(page, live_server, rep.username)
    page.goto(live_server.url + account.get_absolute_url())

    page.keyboard.press("c")
    dialog = page.locator("#quick-create")
    expect(dialog).to_be_visible()
    dialog.get_by_role("link", name=re.compile("Contact.*for Aspen Robotics")).click()
    expect(dialog.locator("form")).to_be_visible()

    # Errors show in the dialog; the page behind stays where it was.
    dialog.locator("form [type=submit]").click()
    expect(dialog.locator(".error").first).to_be_visible()
    expect(page).to_have_url(live_server.url + account.get_absolute_url())

    dialog.locator("input[name=first_name]").fill("Nora")
    dialog.locator("input[name=last_name]").fill("Lind")
    dialog.locator("form [type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/contacts/\d+/$"))
    contact = Contact.objects.get(last_name="Lind")
    assert contact.account == account

    # Esc closes the dialog.
    page.keyboard.press("c")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_quick_create_a_task_on_a_deal(page, live_server, login, rep):
    deal = DealFactory(owner=rep, name="Aspen renewal")
    login(page, live_server, rep.username)
    page.goto(live_server.url + deal.get_absolute_url())

    page.keyboard.press("c")
    dialog = page.locator("#quick-create")
    dialog.get_by_role("link", name=re.compile("Task.*for Aspen renewal")).click()
    expect(dialog.get_by_text("On deal Aspen renewal.")).to_be_visible()
    dialog.locator("form [type=submit]").click()
    expect(dialog.locator(".error").first).to_be_visible()

    dialog.locator("input[name=title]").fill("Send the proposal")
    dialog.locator("form [type=submit]").click()
    expect(page.locator(".message").first).to_contain_text("Task added")
    expect(page).to_have_url(live_server.url + deal.get_absolute_url())
    task = Task.objects.get()
    assert (task.record_type, task.record_id) == ("deal", deal.pk)


def test_esc_closes_the_phone_menu_and_the_user_menu(new_page, live_server, login, rep):
    page = new_page(width=390, height=844)
    login(page, live_server, rep.username)
    menu = page.locator("details.nav-toggle")
    menu.locator("summary").click()
    expect(menu.locator(".mobile-nav")).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu.locator(".mobile-nav")).to_be_hidden()
    user_menu = page.locator("details.user-menu")
    user_menu.locator("summary").click()
    expect(user_menu.locator(".menu")).to_be_visible()
    page.keyboard.press("Escape")
    expect(user_menu.locator(".menu")).to_be_hidden()


def test_a_picker_by_keyboard_on_the_call_plan(page, live_server, login, rep, other_rep):
    mine = ContactFactory(first_name="Nora", last_name="Lind", owner=rep)
    ContactFactory(first_name="Nora", last_name="Holm", owner=other_rep)
    login(page, live_server, rep.username)
    page.goto(live_server.url + "/calls/plan/")
    box = page.locator("#id_contact_search")
    box.click()
    box.type("nora")
    listbox = page.locator("#id_contact_list")
    expect(listbox.get_by_role("option", name=re.compile("Nora Lind"))).to_be_visible()
    expect(listbox).not_to_contain_text("Holm")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    expect(page.locator("input[name=contact]")).to_have_value(str(mine.pk))
    expect(box).to_have_value(re.compile("Nora Lind"))
    page.fill("input[name=purpose]", "Qualify the budget")
    page.locator("#call-plan-form [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))
    assert Call.objects.get().contact == mine
