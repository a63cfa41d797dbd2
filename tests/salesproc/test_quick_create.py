"""Quick-create: the "+" menu, prefilled from the page's record, through the apps' own
create pages; a save from inside the dialog navigates to the new record."""

import pytest

from accounts.models import Contact
from salesproc.todo.models import Task
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
    assert set(menu) == {"account", "contact", "lead", "deal", "call", "task"}
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


# ---- Task: a task on the page's record, through the task page in the dialog


def test_on_a_record_page_a_task_is_on_that_record(client, rep):
    deal = DealFactory(owner=rep, name="Aspen renewal")
    client.force_login(rep)
    task = by_type(entries(client, deal.get_absolute_url()))["task"]
    assert task["url"] == f"/tasks/new/?record_type=deal&record_id={deal.pk}"
    assert task["context"] == "Aspen renewal"
    assert by_type(entries(client, "/"))["task"]["url"] == "/tasks/new/"


def test_another_teams_page_gives_a_task_on_nothing(client, rep, other_rep):
    theirs = DealFactory(owner=other_rep)
    client.force_login(rep)
    assert by_type(entries(client, theirs.get_absolute_url()))["task"]["url"] == "/tasks/new/"


def test_the_task_page_in_the_dialog_names_the_record(client, rep):
    deal = DealFactory(owner=rep, name="Aspen renewal")
    client.force_login(rep)
    html = client.get(f"/tasks/new/?record_type=deal&record_id={deal.pk}").content.decode()
    form = html[html.index('<form method="post" novalidate>') :]
    assert "On deal Aspen renewal." in form[: form.index("</form>")]


def test_a_task_saved_from_the_dialog_lands_on_the_record(client, rep, dialog_headers):
    deal = DealFactory(owner=rep)
    client.force_login(rep)
    url = f"/tasks/new/?record_type=deal&record_id={deal.pk}"
    response = client.post(
        url,
        {
            "title": "Send the proposal",
            "owner": rep.pk,
            "priority": "normal",
            "record_type": "deal",
            "record_id": deal.pk,
        },
        headers=dialog_headers,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == deal.get_absolute_url()
    task = Task.objects.get()
    assert (task.title, task.record_type, task.record_id) == ("Send the proposal", "deal", deal.pk)


def test_a_task_on_no_record_from_the_dialog_goes_to_my_tasks(client, rep, dialog_headers):
    client.force_login(rep)
    response = client.post(
        "/tasks/new/",
        {"title": "Plan the week", "owner": rep.pk, "priority": "low"},
        headers=dialog_headers,
    )
    assert response["HX-Redirect"] == "/tasks/"
    assert Task.objects.get().record_type == ""


def test_a_task_on_another_teams_record_is_404_and_not_added(
    client, rep, other_rep, dialog_headers
):
    theirs = DealFactory(owner=other_rep)
    client.force_login(rep)
    query = f"?record_type=deal&record_id={theirs.pk}"
    assert client.get(f"/tasks/new/{query}", headers=dialog_headers).status_code == 404
    response = client.post(
        f"/tasks/new/{query}",
        {
            "title": "Snoop",
            "owner": rep.pk,
            "priority": "normal",
            "record_type": "deal",
            "record_id": theirs.pk,
        },
        headers=dialog_headers,
    )
    assert response.status_code == 404
    assert not Task.objects.exists()


def test_task_errors_stay_in_the_dialog(client, rep, dialog_headers):
    deal = DealFactory(owner=rep)
    client.force_login(rep)
    response = client.post(
        f"/tasks/new/?record_type=deal&record_id={deal.pk}",
        {
            "title": "",
            "owner": rep.pk,
            "priority": "urgent",
            "record_type": "deal",
            "record_id": deal.pk,
        },
        headers=dialog_headers,
    )
    assert response.status_code == 200 and "HX-Redirect" not in response
    errors = response.context["form"].errors
    assert errors["title"] and errors["priority"]
    assert not Task.objects.exists()
    bogus = client.get("/tasks/new/?record_type=spaceship&record_id=1", headers=dialog_headers)
    assert bogus.status_code == 404
