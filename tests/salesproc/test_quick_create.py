"""Quick-create: the "+" menu, prefilled from the page's record, through the apps' own
create pages; a save from inside the dialog navigates to the new record."""

import pytest

from accounts.models import Contact
from tests.factories import AccountFactory, DealFactory


def entries(client, path):
    response = client.get("/create/", {"from": path})
    assert response.status_code == 200
    return response.context["entries"]


def by_type(items):
    return {item["type"]: item for item in items}


def test_on_an_account_page_a_contact_deal_and_call_are_for_that_account(client, rep):
    account = AccountFactory(name="Aspen Robotics", owner=rep)
    client.force_login(rep)
    menu = by_type(entries(client, account.get_absolute_url()))
    assert set(menu) == {"account", "contact", "lead", "deal", "call"}
    assert menu["contact"]["url"] == f"/accounts/contacts/new/?account={account.pk}"
    assert menu["deal"]["url"] == f"/deals/new/?account={account.pk}"
    assert menu["call"]["url"] == f"/calls/plan/?account={account.pk}"
    assert menu["contact"]["context"] == "Aspen Robotics"
    assert menu["account"]["url"] == "/accounts/companies/new/" and not menu["lead"]["context"]


def test_on_a_deal_page_a_contact_is_for_the_deals_account_and_a_call_about_the_deal(client, rep):
    deal = DealFactory(owner=rep)
    client.force_login(rep)
    menu = by_type(entries(client, deal.get_absolute_url()))
    assert menu["contact"]["url"].endswith(f"?account={deal.account_id}")
    assert menu["call"]["url"] == f"/calls/plan/?deal={deal.pk}"


def test_another_teams_page_prefills_nothing(client, rep, other_rep):
    theirs = AccountFactory(owner=other_rep)
    client.force_login(rep)
    menu = entries(client, theirs.get_absolute_url())
    assert all("?" not in item["url"] and not item["context"] for item in menu)


def test_an_ordinary_page_or_nonsense_prefills_nothing(client, rep):
    client.force_login(rep)
    for path in ("/", "/deals/", "/nowhere/", "javascript:alert(1)"):
        assert all("?" not in item["url"] for item in entries(client, path))


def test_the_menu_offers_only_what_the_role_runs(client, other_rep):
    client.force_login(other_rep)  # a key-account manager: no lead qualification
    assert "lead" not in by_type(entries(client, "/"))


@pytest.fixture
def dialog_headers():
    return {"HX-Request": "true", "HX-Target": "quick-create-body"}


def test_a_save_from_the_dialog_goes_to_the_new_record(client, rep, dialog_headers):
    account = AccountFactory(owner=rep)
    client.force_login(rep)
    response = client.post(
        f"/accounts/contacts/new/?account={account.pk}",
        {"first_name": "Nora", "last_name": "Lind", "account": account.pk, "owner": rep.pk},
        headers=dialog_headers,
    )
    contact = Contact.objects.get(last_name="Lind")
    assert response.status_code == 200
    assert response["HX-Redirect"] == contact.get_absolute_url()
    assert contact.account == account


def test_errors_stay_in_the_dialog(client, rep, dialog_headers):
    client.force_login(rep)
    response = client.post(
        "/accounts/contacts/new/", {"first_name": "", "owner": rep.pk}, headers=dialog_headers
    )
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert response.context["form"].errors["last_name"]
    assert Contact.objects.count() == 0


def test_outside_the_dialog_a_save_redirects_as_before(client, rep):
    client.force_login(rep)
    response = client.post(
        "/accounts/contacts/new/", {"first_name": "A", "last_name": "B", "owner": rep.pk}
    )
    assert response.status_code == 302


def test_the_header_has_the_button_and_the_dialog(client, rep):
    client.force_login(rep)
    html = client.get("/").content.decode()
    assert "data-quick-create" in html and 'id="quick-create"' in html
    assert 'aria-keyshortcuts="c"' in html


def test_anonymous_callers_log_in_first(client):
    assert client.get("/create/").status_code == 302
