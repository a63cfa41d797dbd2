"""Issue 8 item 4: ?account=<hidden id> on the deal list is the same 400 as a missing id."""

import pytest

from tests.factories import AccountFactory, DealFactory


@pytest.mark.django_db
def test_filtering_deals_by_a_hidden_account_answers_like_a_missing_one(api_as, rep, other_rep):
    hidden = AccountFactory(owner=other_rep)
    DealFactory(owner=other_rep, account=hidden)
    api = api_as(rep)

    by_hidden = api.get(f"/api/v1/deals/?account={hidden.pk}")
    by_missing = api.get("/api/v1/deals/?account=999999")

    assert by_hidden.status_code == by_missing.status_code == 400
    assert by_hidden.json() == by_missing.json()
    assert "Select a valid choice" in by_hidden.json()["account"][0]


@pytest.mark.django_db
def test_filtering_deals_by_a_visible_account_lists_its_deals(api_as, rep):
    account = AccountFactory(owner=rep)
    deal = DealFactory(owner=rep, account=account)
    DealFactory(owner=rep)

    listed = api_as(rep).get(f"/api/v1/deals/?account={account.pk}")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [deal.pk]
