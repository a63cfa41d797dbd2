from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Account, Contact
from deals.models import Deal
from leads import services
from leads.models import Lead
from salesproc.models import Event
from tests.factories import AccountFactory, ContactFactory, LeadFactory

from .factories import default_answers

pytestmark = pytest.mark.django_db


def qualified_lead(owner, **fields):
    lead = LeadFactory(owner=owner, **fields)
    services.lead_qualify(actor=owner, lead=lead, answers=default_answers())
    return Lead.objects.get(pk=lead.pk)


def test_it_creates_account_contact_and_deal_from_a_qualified_lead(rep, pipeline):
    lead = qualified_lead(
        rep,
        first_name="Jo",
        last_name="Ng",
        email="jo@acme.test",
        company_name="Acme",
        website="www.acme.test/contact",
        industry="Retail",
        employee_count=250,
        country="Spain",
        phone="+34 1",
        job_title="CFO",
    )

    lead = services.lead_convert(actor=rep, lead=lead)

    account, contact, deal = lead.converted_account, lead.converted_contact, lead.converted_deal
    assert lead.status == Lead.Status.CONVERTED
    assert lead.converted_at is not None
    assert (account.name, account.domain, account.website) == (
        "Acme",
        "acme.test",
        "https://www.acme.test/contact",
    )
    assert (account.industry, account.employee_count, account.country, account.owner) == (
        "Retail",
        250,
        "Spain",
        rep,
    )
    assert (contact.full_name, contact.email, contact.account, contact.job_title) == (
        "Jo Ng",
        "jo@acme.test",
        account,
        "CFO",
    )
    assert (deal.account, deal.primary_contact, deal.owner) == (account, contact, rep)
    assert deal.pipeline == pipeline
    assert deal.stage.name == "Prospecting"
    assert deal.source_lead_id == lead.pk
    converted = Event.objects.get(name="lead.converted", object_id=lead.pk)
    assert converted.data["created"] == ["account", "contact"]


def test_it_matches_an_existing_account_by_website_domain(rep, pipeline):
    existing = AccountFactory(owner=rep, name="Acme Corp", domain="acme.test")
    lead = qualified_lead(rep, website="https://acme.test", email="new.person@acme.test")

    lead = services.lead_convert(actor=rep, lead=lead)

    assert lead.converted_account == existing
    assert Account.objects.count() == 1
    assert lead.converted_contact.account == existing
    assert lead.converted_deal.account == existing


def test_it_matches_the_account_by_email_domain_when_there_is_no_website(rep, pipeline):
    existing = AccountFactory(owner=rep, domain="initech.test")
    lead = qualified_lead(rep, website="", email="peter@Initech.test")

    lead = services.lead_convert(actor=rep, lead=lead)

    assert lead.converted_account == existing


def test_it_does_not_match_accounts_on_webmail_domains(rep, pipeline):
    AccountFactory(owner=rep, domain="gmail.com")
    lead = qualified_lead(rep, website="", email="someone@gmail.com", company_name="Solo Ltd")

    lead = services.lead_convert(actor=rep, lead=lead)

    assert lead.converted_account.name == "Solo Ltd"
    assert lead.converted_account.domain == ""
    assert Account.objects.count() == 2


def test_it_matches_an_existing_contact_by_email(rep, pipeline):
    account = AccountFactory(owner=rep, domain="acme.test")
    person = ContactFactory(owner=rep, account=account, email="jo@acme.test")
    lead = qualified_lead(rep, website="acme.test", email="JO@acme.test")

    lead = services.lead_convert(actor=rep, lead=lead)

    assert lead.converted_contact == person
    assert lead.converted_account == account
    assert lead.converted_deal.primary_contact == person
    assert Contact.objects.count() == 1


def test_it_uses_the_known_contacts_account_when_no_domain_matches(rep, pipeline):
    account = AccountFactory(owner=rep, domain="other.test")
    person = ContactFactory(owner=rep, account=account, email="jo@gmail.com")
    lead = qualified_lead(rep, website="", email="jo@gmail.com")

    lead = services.lead_convert(actor=rep, lead=lead)

    assert (lead.converted_account, lead.converted_contact) == (account, person)
    assert Account.objects.count() == 1


def test_it_creates_nothing_the_second_time_and_returns_the_same_links(rep, pipeline):
    lead = qualified_lead(rep)
    first = services.lead_convert(actor=rep, lead=lead)
    counts = (Account.objects.count(), Contact.objects.count(), Deal.objects.count())

    second = services.lead_convert(actor=rep, lead=Lead.objects.get(pk=lead.pk))

    assert (second.converted_account_id, second.converted_contact_id, second.converted_deal_id) == (
        first.converted_account_id,
        first.converted_contact_id,
        first.converted_deal_id,
    )
    assert (Account.objects.count(), Contact.objects.count(), Deal.objects.count()) == counts
    assert Event.objects.filter(name="lead.converted").count() == 1


@pytest.mark.parametrize("status", ["new", "working", "disqualified"])
def test_it_converts_only_qualified_leads(rep, pipeline, status):
    lead = LeadFactory(owner=rep, status=status)

    with pytest.raises(ValidationError) as exc:
        services.lead_convert(actor=rep, lead=lead)

    assert "status" in exc.value.message_dict
    assert (Account.objects.count(), Contact.objects.count(), Deal.objects.count()) == (0, 0, 0)
    assert Lead.objects.get(pk=lead.pk).status == status


def test_it_writes_nothing_when_the_deal_cannot_be_created(rep):
    # given no pipeline at all: the deal service refuses
    lead = qualified_lead(rep)

    with pytest.raises(ValidationError):
        services.lead_convert(actor=rep, lead=lead)

    assert (Account.objects.count(), Contact.objects.count(), Deal.objects.count()) == (0, 0, 0)
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.QUALIFIED


def test_it_lets_a_manager_convert_a_reps_lead_for_the_rep(rep, manager, pipeline):
    lead = qualified_lead(rep)

    lead = services.lead_convert(actor=manager, lead=lead)

    assert lead.converted_deal.owner == rep
    assert lead.converted_account.owner == rep


def test_it_names_and_sizes_the_deal_when_asked(rep, pipeline):
    lead = qualified_lead(rep, company_name="Acme")

    lead = services.lead_convert(
        actor=rep, lead=lead, deal_name="Acme: 40 seats", amount=Decimal("12000")
    )

    assert (lead.converted_deal.name, lead.converted_deal.amount) == (
        "Acme: 40 seats",
        Decimal("12000"),
    )


# -- issue 8, item 2: conversion sees only what the converting user can see -----------

HIDDEN_ACCOUNT = "A matching account exists in another team; ask its owner or your manager."
HIDDEN_CONTACT = "A matching contact exists in another team; ask its owner or your manager."


def test_it_refuses_to_convert_onto_another_teams_account(rep, other_rep, pipeline):
    # Given Charlie's account with the lead's domain
    AccountFactory(owner=other_rep, name="Secret Corp", domain="secret.test")
    lead = qualified_lead(rep, website="https://secret.test", email="new@secret.test")
    counts = (Account.objects.count(), Contact.objects.count(), Deal.objects.count())
    # When Alice converts the lead
    with pytest.raises(ValidationError) as caught:
        services.lead_convert(actor=rep, lead=lead)
    # Then she is told to ask, without the account's name, and nothing is created
    assert caught.value.messages == [HIDDEN_ACCOUNT]
    assert (Account.objects.count(), Contact.objects.count(), Deal.objects.count()) == counts
    lead.refresh_from_db()
    assert (lead.status, lead.converted_account_id) == ("qualified", None)


def test_it_refuses_to_convert_onto_another_teams_contact(rep, other_rep, pipeline):
    ContactFactory(owner=other_rep, account=None, email="jo@gmail.com")
    lead = qualified_lead(rep, website="", email="jo@gmail.com")
    with pytest.raises(ValidationError) as caught:
        services.lead_convert(actor=rep, lead=lead)
    assert caught.value.messages == [HIDDEN_CONTACT]
    assert Contact.objects.count() == 1 and Deal.objects.count() == 0


def test_it_prefers_nothing_hidden_when_a_visible_account_matches(rep, other_rep, pipeline):
    # Given the same domain in Alice's account and in Charlie's
    AccountFactory(owner=other_rep, domain="both.test")
    mine = AccountFactory(owner=rep, domain="both.test")
    lead = qualified_lead(rep, website="both.test", email="x@both.test")
    lead = services.lead_convert(actor=rep, lead=lead)
    assert lead.converted_account == mine


def test_the_convert_page_does_not_name_a_hidden_match(client, rep, other_rep, pipeline):
    AccountFactory(owner=other_rep, name="Secret Corp", domain="secret.test")
    ContactFactory(owner=other_rep, first_name="Hidden", last_name="Person", email="p@secret.test")
    lead = qualified_lead(rep, website="secret.test", email="p@secret.test")
    client.force_login(rep)
    text = client.get(reverse("leads:lead_convert", args=[lead.pk])).content.decode()
    assert HIDDEN_ACCOUNT in text
    assert "Secret Corp" not in text and "Hidden Person" not in text
    assert "disabled" in text
    # And posting anyway creates nothing and says why
    response = client.post(reverse("leads:lead_convert", args=[lead.pk]), follow=True)
    assert HIDDEN_ACCOUNT in response.content.decode()
    assert Deal.objects.count() == 0


def test_the_api_refuses_a_conversion_onto_a_hidden_account(api_as, rep, other_rep, pipeline):
    AccountFactory(owner=other_rep, name="Secret Corp", domain="secret.test")
    lead = qualified_lead(rep, website="secret.test", email="new@secret.test")
    response = api_as(rep).post(f"/api/v1/leads/{lead.pk}/convert/", {}, format="json")
    assert response.status_code == 400
    assert HIDDEN_ACCOUNT in str(response.json())
    assert "Secret Corp" not in str(response.json())
    assert Deal.objects.count() == 0
