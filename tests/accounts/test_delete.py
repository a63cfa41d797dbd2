"""Issue 8 item 11: deleting an account that deals still use is refused with a message
that counts them (page and API), and the confirmation page says so before the click."""

import pytest

from accounts.models import Account, Contact
from salesproc.models import Event
from tests.factories import AccountFactory, ContactFactory, DealFactory


@pytest.fixture
def account_with_deals(rep):
    account = AccountFactory(owner=rep, name="Acme")
    DealFactory(owner=rep, account=account)
    DealFactory(owner=rep, account=account)
    return account


@pytest.mark.django_db
def test_the_api_refuses_to_delete_an_account_with_deals(api_as, rep, account_with_deals):
    refused = api_as(rep).delete(f"/api/v1/accounts/{account_with_deals.pk}/")

    assert refused.status_code == 400
    assert refused.json() == {
        "account": [
            "This account is still used by 2 deals: move them to another account or delete "
            "them first."
        ]
    }
    assert Account.objects.filter(pk=account_with_deals.pk).exists()
    assert not Event.objects.filter(name="account.deleted").exists()


@pytest.mark.django_db
def test_the_confirmation_page_says_what_holds_the_account_before_the_click(
    client, rep, account_with_deals
):
    client.force_login(rep)

    page = client.get(f"/accounts/companies/{account_with_deals.pk}/delete/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "This account is still used by 2 deals" in body
    assert "Yes, delete account" not in body


@pytest.mark.django_db
def test_posting_the_delete_anyway_answers_400_with_the_message(client, rep, account_with_deals):
    client.force_login(rep)

    refused = client.post(f"/accounts/companies/{account_with_deals.pk}/delete/")

    assert refused.status_code == 400
    assert "This account is still used by 2 deals" in refused.content.decode()
    assert Account.objects.filter(pk=account_with_deals.pk).exists()


@pytest.mark.django_db
def test_an_account_without_deals_goes_to_the_bin_and_its_contacts_keep_their_link(client, rep):
    account = AccountFactory(owner=rep, name="Acme")
    contact = ContactFactory(owner=rep, account=account)
    client.force_login(rep)

    page = client.get(f"/accounts/companies/{account.pk}/delete/")
    deleted = client.post(f"/accounts/companies/{account.pk}/delete/")

    assert "recycle bin" in page.content.decode()
    assert "Its 1 contact stays linked to it" in page.content.decode()
    assert deleted.status_code == 302
    assert not Account.objects.filter(pk=account.pk).exists()
    binned = Account.all_objects.get(pk=account.pk)
    assert (binned.deleted_by, binned.is_binned) == (rep, True)
    assert Contact.objects.get(pk=contact.pk).account_id == account.pk


@pytest.mark.django_db
def test_a_deal_in_the_bin_does_not_hold_its_account(api_as, rep):
    account = AccountFactory(owner=rep)
    deal = DealFactory(owner=rep, account=account)
    api = api_as(rep)
    assert api.delete(f"/api/v1/deals/{deal.pk}/").status_code == 204

    deleted = api.delete(f"/api/v1/accounts/{account.pk}/")

    assert deleted.status_code == 204
    assert Account.all_objects.get(pk=account.pk).is_binned


@pytest.mark.django_db
def test_the_refusal_reads_well_for_one_deal(rep):
    from django.core.exceptions import ValidationError

    from accounts import services

    account = AccountFactory(owner=rep)
    DealFactory(owner=rep, account=account)

    with pytest.raises(ValidationError) as refused:
        services.account_delete(actor=rep, account=account)

    assert refused.value.messages == [
        "This account is still used by 1 deal: move it to another account or delete it first."
    ]
