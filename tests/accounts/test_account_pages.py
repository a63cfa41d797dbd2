import pytest

from accounts.models import Account
from salesproc.models import Event
from tests.factories import AccountFactory, ContactFactory


@pytest.mark.django_db
def test_it_lists_searches_filters_and_sorts_the_reps_accounts(client, rep, other_rep):
    AccountFactory(owner=rep, name="Acme Energy", industry="Energy", city="Leeds")
    AccountFactory(owner=rep, name="Bolt Media", industry="Media", status="customer")
    AccountFactory(owner=other_rep, name="Acme Hidden")
    client.force_login(rep)

    everything = client.get("/accounts/companies/").content.decode()
    searched = client.get("/accounts/companies/?q=acme").content.decode()
    by_city = client.get("/accounts/companies/?q=leeds").content.decode()
    customers = client.get("/accounts/companies/?status=customer").content.decode()
    sorted_desc = client.get("/accounts/companies/?sort=-name").content.decode()

    assert "Acme Energy" in everything and "Bolt Media" in everything
    assert "Acme Hidden" not in everything
    assert "Acme Energy" in searched and "Bolt Media" not in searched
    assert "Acme Energy" in by_city
    assert "Bolt Media" in customers and "Acme Energy" not in customers
    assert sorted_desc.index("Bolt Media") < sorted_desc.index("Acme Energy")


@pytest.mark.django_db
def test_it_returns_only_the_table_to_htmx(client, rep):
    AccountFactory(owner=rep, name="Acme")
    client.force_login(rep)

    response = client.get("/accounts/companies/?q=ac", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "Acme" in body
    assert "<html" not in body


@pytest.mark.django_db
def test_it_paginates_the_account_list(client, rep):
    AccountFactory.create_batch(30, owner=rep)
    client.force_login(rep)

    page1 = client.get("/accounts/companies/").content.decode()
    page2 = client.get("/accounts/companies/?page=2").content.decode()

    assert "Page 1 of 2" in page1
    assert page2.count('href="/accounts/companies/') >= 5


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_it_lists_accounts_in_a_constant_number_of_queries(
    client, rep, rows, django_assert_max_num_queries
):
    for account in AccountFactory.create_batch(rows, owner=rep):
        ContactFactory(owner=rep, account=account)
    client.force_login(rep)

    # the saved views above the list (and the default view check) and the bulk bar's
    # owner choices each cost one query
    with django_assert_max_num_queries(8):
        response = client.get("/accounts/companies/")

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_it_lists_contacts_in_a_constant_number_of_queries(
    client, manager, rep, rows, django_assert_max_num_queries
):
    ContactFactory.create_batch(rows, owner=rep)
    client.force_login(manager)

    with django_assert_max_num_queries(7):  # +1: the bulk bar's owner choices
        response = client.get("/accounts/contacts/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_it_creates_an_account_and_derives_the_domain(client, rep):
    client.force_login(rep)

    response = client.post(
        "/accounts/companies/new/",
        {
            "name": "Acme",
            "website": "https://www.Acme.io/about",
            "status": "prospect",
            "owner": rep.pk,
        },
    )

    account = Account.objects.get(name="Acme")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/companies/{account.pk}/"
    assert account.domain == "acme.io"
    assert account.owner == rep
    assert Event.objects.filter(name="account.created", object_id=account.pk).count() == 1


@pytest.mark.django_db
def test_it_shows_field_errors_and_writes_nothing(client, rep):
    client.force_login(rep)

    response = client.post(
        "/accounts/companies/new/",
        {
            "name": "",
            "website": "not a url",
            "employee_count": "-3",
            "latitude": "95",
            "status": "prospect",
            "owner": rep.pk,
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert "Enter a valid URL." in body
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_it_warns_about_a_duplicate_domain_until_confirmed(client, rep, other_rep):
    AccountFactory(owner=other_rep, name="Acme (other team)", domain="acme.io")
    client.force_login(rep)
    form = {"name": "Acme", "website": "https://acme.io", "status": "prospect", "owner": rep.pk}

    warned = client.post("/accounts/companies/new/", form)
    confirmed = client.post("/accounts/companies/new/", {**form, "confirm_duplicate": "on"})

    assert "already exists" in warned.content.decode()
    assert "confirm_duplicate" in warned.content.decode()
    assert "Acme (other team)" not in warned.content.decode()
    assert confirmed.status_code == 302
    assert Account.objects.filter(domain="acme.io").count() == 2


@pytest.mark.django_db
def test_it_edits_an_account_and_logs_the_owner_change(client, manager, rep, teammate):
    account = AccountFactory(owner=rep, name="Acme", status="prospect")
    client.force_login(manager)

    response = client.post(
        f"/accounts/companies/{account.pk}/edit/",
        {"name": "Acme Group", "status": "customer", "owner": teammate.pk},
    )

    account.refresh_from_db()
    assert response.status_code == 302
    assert (account.name, account.status, account.owner) == ("Acme Group", "customer", teammate)
    names = set(Event.objects.filter(object_id=account.pk).values_list("name", flat=True))
    assert {"account.updated", "account.owner_changed"} <= names


@pytest.mark.django_db
def test_it_refuses_to_give_an_account_to_another_team(client, rep, other_rep):
    account = AccountFactory(owner=rep, name="Acme")
    client.force_login(rep)

    response = client.post(
        f"/accounts/companies/{account.pk}/edit/",
        {"name": "Acme", "status": "prospect", "owner": other_rep.pk},
    )

    account.refresh_from_db()
    assert response.status_code == 200
    assert account.owner == rep


@pytest.mark.django_db
def test_it_deletes_after_confirmation(client, rep):
    account = AccountFactory(owner=rep, name="Acme")
    client.force_login(rep)

    confirm_page = client.get(f"/accounts/companies/{account.pk}/delete/")
    assert "Delete account" in confirm_page.content.decode()
    assert Account.objects.filter(pk=account.pk).exists()

    response = client.post(f"/accounts/companies/{account.pk}/delete/")
    assert response.status_code == 302
    assert not Account.objects.filter(pk=account.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "edit/"), ("post", "edit/"), ("get", "delete/"), ("post", "delete/")],
)
def test_it_answers_404_for_another_teams_account(client, rep, other_rep, method, suffix):
    account = AccountFactory(owner=other_rep, name="Theirs")
    client.force_login(rep)

    response = getattr(client, method)(
        f"/accounts/companies/{account.pk}/{suffix}", {"name": "Mine now", "status": "former"}
    )

    assert response.status_code == 404
    account.refresh_from_db()
    assert (account.name, account.status) == ("Theirs", "prospect")


@pytest.mark.django_db
def test_it_lets_a_manager_and_admin_see_the_account(client, rep, manager, admin, other_manager):
    account = AccountFactory(owner=rep, name="Acme")
    url = f"/accounts/companies/{account.pk}/"

    for user, status in [(manager, 200), (admin, 200), (other_manager, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status


@pytest.mark.django_db
def test_it_shows_an_accounts_contacts_on_its_page(client, rep):
    account = AccountFactory(owner=rep, name="Acme")
    ContactFactory(owner=rep, account=account, first_name="Jane", last_name="Doe")
    client.force_login(rep)

    body = client.get(f"/accounts/companies/{account.pk}/").content.decode()

    assert "Jane Doe" in body
    assert "Contacts (1)" in body


@pytest.mark.django_db
def test_it_hides_events_of_records_the_user_cannot_see_from_a_timeline(
    client, rep, other_rep, manager
):
    from tests.factories import DealFactory

    # given an account of the rep, and a deal on it owned by another team's rep
    account = AccountFactory(owner=rep, name="Acme")
    DealFactory(owner=other_rep, account=account, name="Secret expansion")
    DealFactory(owner=rep, account=account, name="Open renewal")

    client.force_login(rep)
    body = client.get(f"/accounts/companies/{account.pk}/").content.decode()

    assert "Open renewal" in body
    assert "Secret expansion" not in body
