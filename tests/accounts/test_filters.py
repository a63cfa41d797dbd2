"""Issue 8 item 4: a filter on a hidden record answers like one on a missing record."""

import pytest

from tests.factories import AccountFactory, ContactFactory


@pytest.mark.django_db
def test_filtering_contacts_by_a_hidden_account_is_the_same_400_as_a_missing_one(
    api_as, rep, other_rep
):
    hidden = AccountFactory(owner=other_rep)
    ContactFactory(owner=other_rep, account=hidden)
    api = api_as(rep)

    by_hidden = api.get(f"/api/v1/contacts/?account={hidden.pk}")
    by_missing = api.get("/api/v1/contacts/?account=999999")

    assert by_hidden.status_code == by_missing.status_code == 400
    assert by_hidden.json() == by_missing.json()
    assert "Select a valid choice" in by_hidden.json()["account"][0]


@pytest.mark.django_db
def test_filtering_contacts_by_a_visible_account_lists_its_contacts(api_as, rep):
    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep, account=account)
    ContactFactory(owner=rep)

    listed = api_as(rep).get(f"/api/v1/contacts/?account={account.pk}")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [contact.pk]
