"""Issue 8 item 4: call list filters on a hidden record answer like a missing one."""

import pytest

from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory

from .factories import plan


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["contact", "account", "deal", "lead"])
def test_filtering_calls_by_a_hidden_record_answers_like_a_missing_one(
    api_as, rep, other_rep, field
):
    hidden = {
        "contact": lambda: ContactFactory(owner=other_rep),
        "account": lambda: AccountFactory(owner=other_rep),
        "deal": lambda: DealFactory(owner=other_rep),
        "lead": lambda: LeadFactory(owner=other_rep),
    }[field]()
    api = api_as(rep)

    by_hidden = api.get(f"/api/v1/calls/?{field}={hidden.pk}")
    by_missing = api.get(f"/api/v1/calls/?{field}=999999")

    assert by_hidden.status_code == by_missing.status_code == 400
    assert by_hidden.json() == by_missing.json()
    assert "Select a valid choice" in by_hidden.json()[field][0]


@pytest.mark.django_db
def test_filtering_calls_by_a_visible_contact_lists_its_calls(api_as, rep):
    contact = ContactFactory(owner=rep)
    call = plan(rep, contact=contact)
    plan(rep)

    listed = api_as(rep).get(f"/api/v1/calls/?contact={contact.pk}")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [call.pk]
