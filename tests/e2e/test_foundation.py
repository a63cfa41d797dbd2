"""The foundation's flows in a real browser: accounts and contacts, roles and navigation,
the "not part of your role" page, the duplicate warning and the phone menu."""

import re

import pytest
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from playwright.sync_api import expect

from accounts.models import Account, Contact
from salesproc import registry as shell_registry
from salesproc.registry import NavItem, register_nav
from salesproc.urls import urlpatterns as project_urlpatterns
from salesproc.view_support import process_required
from tests.factories import AccountFactory, ContactFactory


@login_required
@process_required("deals")
def _deals_only_page(request):
    return HttpResponse("<h1>Deals-only page</h1>")


# Used as ROOT_URLCONF by the role test: the project's URLs plus one page guarded by
# process_required, so the check does not wait for the deals app's own pages.
urlpatterns = [
    path("e2e/deals-only/", _deals_only_page, name="e2e_deals_only"),
    *project_urlpatterns,
]


@pytest.fixture
def deals_nav_item(monkeypatch):
    """A navigation entry shown only to roles running deal management, for this test."""
    monkeypatch.setattr(shell_registry.registry, "nav", list(shell_registry.registry.nav))
    register_nav(NavItem("Deals (test)", "notifications", process="deals", order=20))


def sidebar(page):
    return page.get_by_role("navigation", name="Main", exact=True)


def test_it_lets_a_rep_create_an_account_add_a_contact_and_find_it(page, live_server, login, rep):
    # Given a rep with one unrelated contact of their own
    ContactFactory(first_name="Zed", last_name="Unrelated", owner=rep, account__owner=rep)
    login(page, live_server, rep.username)

    # When they create an account
    sidebar(page).get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="New account").click()
    page.get_by_label("Name").fill("Globex Corporation")
    page.get_by_label("Website").fill("https://globex.example")
    page.get_by_label("Industry").fill("Manufacturing")
    page.get_by_role("button", name="Create account").click()

    # Then they land on its page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Globex Corporation")
    expect(page.get_by_text("Account “Globex Corporation” created.")).to_be_visible()
    account = Account.objects.get(name="Globex Corporation")
    assert account.owner == rep
    assert account.domain == "globex.example"

    # When they add a contact from the account page
    page.get_by_role("link", name="Add contact").first.click()
    expect(page.locator("input[name=account]")).to_have_value(str(account.pk))
    page.get_by_label("First name").fill("Hank")
    page.get_by_label("Last name").fill("Scorpio")
    page.get_by_label("Job title").fill("Chief Executive")
    page.get_by_label("Email").fill("hank@globex.example")
    page.get_by_role("button", name=re.compile("Create contact|Save contact")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hank Scorpio")
    contact = Contact.objects.get(email="hank@globex.example")
    assert contact.account == account
    assert contact.owner == rep

    # And find it through the contacts search, which updates the list as they type
    sidebar(page).get_by_role("link", name="Contacts").click()
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Zed Unrelated")).to_be_visible()
    page.locator("#q").press_sequentially("scorp", delay=30)
    expect(results.get_by_role("link", name="Zed Unrelated")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=scorp"))
    results.get_by_role("link", name="Hank Scorpio").click()

    # Then the contact's page opens
    expect(page).to_have_url(f"{live_server.url}/accounts/contacts/{contact.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hank Scorpio")
    expect(page.get_by_role("main").get_by_role("link", name="Globex Corporation")).to_have_count(2)


def test_it_lets_an_admin_change_a_roles_processes_and_the_nav_follows(
    new_page, live_server, login, admin, rep, deals_nav_item, settings
):
    settings.ROOT_URLCONF = __name__
    # Given an inside rep, whose role runs deal management and not territory management
    rep_page = login(new_page(), live_server, rep.username)
    summary = rep_page.locator("#role-summary")
    expect(summary).to_contain_text("deal management")
    expect(summary).not_to_contain_text("territory management")
    expect(sidebar(rep_page).get_by_role("link", name="Deals (test)")).to_be_visible()
    rep_page.goto(f"{live_server.url}/e2e/deals-only/")
    expect(rep_page.get_by_role("heading", name="Deals-only page")).to_be_visible()

    # When the admin takes deal management away and gives territory management
    admin_page = login(new_page(), live_server, admin.username)
    sidebar(admin_page).get_by_role("link", name="Settings").click()
    admin_page.get_by_role("link", name="Roles and processes").click()
    admin_page.get_by_role("row", name=re.compile(r"^Inside rep")).get_by_role(
        "link", name="Edit"
    ).click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Inside rep")
    admin_page.get_by_label("Deal management").uncheck()
    admin_page.get_by_label("Territory management").check()
    admin_page.get_by_role("button", name="Save role").click()
    expect(admin_page.get_by_text("Saved. Inside rep now runs:")).to_contain_text(
        "Territory management"
    )
    rep.role.refresh_from_db()
    assert rep.role.process_list() == [
        "calls",
        "leads",
        "opportunities",
        "territories",
        "automation",
    ]

    # Then the rep's navigation and dashboard follow on their next page
    rep_page.goto(f"{live_server.url}/")
    expect(summary).to_contain_text("territory management")
    expect(summary).not_to_contain_text("deal management")
    expect(sidebar(rep_page).get_by_role("link", name="Deals (test)")).to_have_count(0)
    expect(sidebar(rep_page).get_by_role("link", name="Accounts")).to_be_visible()

    # And a deals page tells them it is not part of their role
    response = rep_page.goto(f"{live_server.url}/e2e/deals-only/")
    assert response.status == 403
    expect(rep_page.get_by_role("heading", level=1)).to_have_text(
        "Deal management is not part of your role"
    )
    expect(rep_page.get_by_role("main")).to_contain_text("Inside rep")
    rep_page.get_by_role("link", name="Back to your dashboard").click()
    expect(rep_page).to_have_url(f"{live_server.url}/")


def test_it_warns_about_a_duplicate_domain_and_creates_it_once_confirmed(
    page, live_server, login, rep
):
    # Given an account with the domain initech.example already in the CRM
    AccountFactory(name="Initech", domain="initech.example", owner=rep)
    login(page, live_server, rep.username)

    # When the rep creates another account with the same domain
    page.goto(f"{live_server.url}/accounts/companies/new/")
    confirm = page.get_by_label(re.compile("create it even though the domain"))
    expect(confirm).to_have_count(0)
    page.get_by_label("Name").fill("Initech Europe")
    page.get_by_label("Domain").fill("initech.example")
    page.get_by_role("button", name="Create account").click()

    # Then the form warns and offers a confirmation, and nothing is created yet
    expect(
        page.get_by_text("An account with the domain initech.example already exists")
    ).to_be_visible()
    expect(confirm).to_be_visible()
    assert Account.objects.filter(domain="initech.example").count() == 1

    # When they confirm
    confirm.check()
    page.get_by_role("button", name="Create account").click()

    # Then the second account exists
    expect(page.get_by_role("heading", level=1)).to_contain_text("Initech Europe")
    assert Account.objects.filter(domain="initech.example").count() == 2


def test_it_opens_the_navigation_from_the_menu_button_on_a_phone(new_page, live_server, login, rep):
    # Given a rep on a phone-width screen
    page = login(new_page(width=390, height=844), live_server, rep.username)
    mobile_nav = page.get_by_role("navigation", name="Main (mobile)")
    expect(sidebar(page)).to_be_hidden()
    expect(mobile_nav).to_be_hidden()

    # When they press the menu button
    page.get_by_label("Menu", exact=True).click()

    # Then the navigation opens and takes them where they tap
    expect(mobile_nav).to_be_visible()
    mobile_nav.get_by_role("link", name="Contacts").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/contacts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")


def test_it_loads_every_asset_from_this_server(page, live_server, login, admin, rep):
    # Given a page load recorder and an account with a website (a link, never loaded)
    account = AccountFactory(name="Globex", website="https://globex.example", owner=rep)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, live_server, admin.username)

    # When the admin walks through the main pages and the API docs
    for address in (
        "/",
        "/accounts/companies/",
        f"/accounts/companies/{account.pk}/",
        "/accounts/contacts/",
        "/settings/roles/",
        "/api/docs/",
    ):
        page.goto(f"{live_server.url}{address}")
        page.wait_for_load_state("networkidle")
    expect(page.locator(".swagger-ui").first).to_be_visible()

    # Then the browser asked nothing of any other host
    outside = [url for url in requested if not url.startswith((live_server.url, "data:", "blob:"))]
    assert outside == []
    assert any(url.endswith(".css") for url in requested)
