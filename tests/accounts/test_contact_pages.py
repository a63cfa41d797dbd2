import pytest

from accounts.models import Contact
from tests.factories import AccountFactory, ContactFactory


@pytest.mark.django_db
def test_it_adds_a_contact_to_an_account_and_finds_it(client, rep):
    account = AccountFactory(owner=rep, name="Acme")
    client.force_login(rep)

    response = client.post(
        "/accounts/contacts/new/",
        {
            "first_name": "Jane",
            "last_name": "Doe",
            "email": "Jane@Acme.io",
            "account": account.pk,
            "owner": rep.pk,
            "is_decision_maker": "on",
        },
    )
    found = client.get("/accounts/contacts/?q=jane").content.decode()

    contact = Contact.objects.get(last_name="Doe")
    assert response.status_code == 302
    assert (contact.email, contact.account, contact.is_decision_maker) == (
        "jane@acme.io",
        account,
        True,
    )
    assert "Jane Doe" in found
    timeline = client.get(f"/accounts/companies/{account.pk}/").content.decode()
    assert "Contact Jane Doe created" in timeline


@pytest.mark.django_db
def test_it_refuses_an_invisible_account_for_a_contact(client, rep, other_rep):
    theirs = AccountFactory(owner=other_rep)
    client.force_login(rep)

    response = client.post(
        "/accounts/contacts/new/",
        {"first_name": "Jane", "last_name": "Doe", "account": theirs.pk, "owner": rep.pk},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_it_warns_about_a_duplicate_email(client, rep):
    ContactFactory(owner=rep, email="jane@acme.io")
    client.force_login(rep)
    form = {"first_name": "Jane", "last_name": "Doe", "email": "JANE@acme.io", "owner": rep.pk}

    warned = client.post("/accounts/contacts/new/", form)
    confirmed = client.post("/accounts/contacts/new/", {**form, "confirm_duplicate": "on"})

    assert "already exists" in warned.content.decode()
    assert confirmed.status_code == 302
    assert Contact.objects.filter(email="jane@acme.io").count() == 2


@pytest.mark.django_db
def test_it_answers_404_for_another_teams_contact(client, rep, other_rep):
    contact = ContactFactory(owner=other_rep, first_name="Hidden")
    client.force_login(rep)

    assert client.get(f"/accounts/contacts/{contact.pk}/").status_code == 404
    assert client.post(f"/accounts/contacts/{contact.pk}/delete/").status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.django_db
def test_it_filters_decision_makers(client, rep):
    ContactFactory(owner=rep, first_name="Boss", is_decision_maker=True)
    ContactFactory(owner=rep, first_name="Helper", is_decision_maker=False)
    client.force_login(rep)

    body = client.get("/accounts/contacts/?decision_maker=yes").content.decode()

    assert "Boss" in body
    assert "Helper" not in body
