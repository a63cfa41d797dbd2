"""Issue 8 item 2 (accounts side): duplicate warnings see only what the actor may see, and
the account manager is someone the actor may assign."""

import pytest

from accounts.models import Account, Contact
from salesproc.models import Event
from tests.factories import AccountFactory, ContactFactory


@pytest.mark.django_db
def test_it_never_names_another_teams_account_with_the_same_domain(api_as, rep, other_rep):
    # Given another team's account with the domain the rep is about to enter
    AccountFactory(owner=other_rep, name="Initech South", domain="initech.example")

    # When the rep creates an account with that domain
    refused = api_as(rep).post(
        "/api/v1/accounts/", {"name": "Initech", "domain": "initech.example"}, format="json"
    )

    # Then the warning says a match exists elsewhere, without naming it
    assert refused.status_code == 400
    message = refused.json()["domain"][0]
    assert "another team" in message
    assert "ask its owner or your manager" in message
    assert "Initech South" not in message
    assert Account.objects.filter(domain="initech.example").count() == 1


@pytest.mark.django_db
def test_it_names_a_duplicate_the_actor_may_see(api_as, rep):
    AccountFactory(owner=rep, name="Initech", domain="initech.example")

    refused = api_as(rep).post(
        "/api/v1/accounts/", {"name": "Initech EU", "domain": "initech.example"}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["domain"] == [
        "An account with the domain initech.example already exists (“Initech”). "
        "Confirm to create a duplicate anyway."
    ]


@pytest.mark.django_db
def test_the_page_warns_about_a_hidden_duplicate_without_naming_it(client, rep, other_rep):
    AccountFactory(owner=other_rep, name="Initech South", domain="initech.example")
    client.force_login(rep)
    form = {"name": "Initech", "domain": "initech.example", "status": "prospect", "owner": rep.pk}

    warned = client.post("/accounts/companies/new/", form)
    confirmed = client.post("/accounts/companies/new/", {**form, "confirm_duplicate": "on"})

    body = warned.content.decode()
    assert "ask its owner or your manager" in body
    assert "Initech South" not in body
    assert confirmed.status_code == 302
    assert Account.objects.filter(domain="initech.example").count() == 2


@pytest.mark.django_db
def test_a_contact_duplicate_in_another_team_is_not_named(api_as, rep, other_rep):
    ContactFactory(owner=other_rep, first_name="Hidden", last_name="Person", email="jo@x.test")

    refused = api_as(rep).post(
        "/api/v1/contacts/",
        {"first_name": "Jo", "last_name": "Doe", "email": "jo@x.test"},
        format="json",
    )

    assert refused.status_code == 400
    message = refused.json()["email"][0]
    assert "another team" in message
    assert "Hidden" not in message
    assert Contact.objects.filter(email="jo@x.test").count() == 1


@pytest.mark.django_db
def test_a_contact_duplicate_on_update_is_checked_against_what_the_actor_sees(
    api_as, rep, other_rep
):
    ContactFactory(owner=other_rep, first_name="Hidden", email="jo@x.test")
    mine = ContactFactory(owner=rep, email="me@x.test")

    refused = api_as(rep).patch(
        f"/api/v1/contacts/{mine.pk}/", {"email": "jo@x.test"}, format="json"
    )

    assert refused.status_code == 400
    assert "Hidden" not in refused.json()["email"][0]
    mine.refresh_from_db()
    assert mine.email == "me@x.test"


@pytest.mark.django_db
def test_a_rep_cannot_make_another_teams_rep_the_account_manager(api_as, rep, other_rep):
    refused = api_as(rep).post(
        "/api/v1/accounts/",
        {"name": "Acme", "account_manager": other_rep.pk},
        format="json",
    )

    assert refused.status_code == 400
    assert "account_manager" in refused.json()
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_a_manager_may_make_a_team_member_the_account_manager(api_as, manager, rep):
    created = api_as(manager).post(
        "/api/v1/accounts/", {"name": "Acme", "account_manager": rep.pk}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert Account.objects.get().account_manager == rep


@pytest.mark.django_db
def test_the_service_refuses_an_account_manager_the_actor_may_not_assign(rep, other_rep):
    from django.core.exceptions import ValidationError

    from accounts import services

    account = AccountFactory(owner=rep)
    with pytest.raises(ValidationError) as refused:
        services.account_update(actor=rep, account=account, data={"account_manager": other_rep})

    assert "account_manager" in refused.value.error_dict
    account.refresh_from_db()
    assert account.account_manager is None
    assert not Event.objects.filter(name="account.updated").exists()


@pytest.mark.django_db
def test_the_page_offers_only_assignable_account_managers(client, rep, teammate, other_rep):
    client.force_login(rep)

    refused = client.post(
        "/accounts/companies/new/",
        {"name": "Acme", "status": "prospect", "owner": rep.pk, "account_manager": other_rep.pk},
    )

    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_an_unchanged_account_manager_outside_the_actors_reach_still_saves(
    api_as, client, manager, rep, other_rep
):
    # Given an account an admin gave another team's rep to manage
    account = AccountFactory(owner=rep, account_manager=other_rep)

    # When its owner edits something else
    saved = api_as(rep).put(
        f"/api/v1/accounts/{account.pk}/",
        {"name": "Renamed", "account_manager": other_rep.pk, "owner": rep.pk},
        format="json",
    )
    client.force_login(rep)
    page = client.post(
        f"/accounts/companies/{account.pk}/edit/",
        {
            "name": "Renamed again",
            "status": "prospect",
            "owner": rep.pk,
            "account_manager": other_rep.pk,
            "domain": account.domain,
        },
    )

    # Then the edit saves and the account manager stays
    assert saved.status_code == 200, saved.json()
    assert page.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.account_manager) == ("Renamed again", other_rep)
