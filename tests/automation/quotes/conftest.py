"""Quotes fixtures: a deal of Alice's (team North) with two line items and a primary
contact, a deal of Charlie's (team South), the company settings, and a quote maker."""

from decimal import Decimal

import pytest

from automation.quotes import services
from automation.quotes.models import Quote
from deals.services import line_item_add
from tests.factories import ContactFactory, DealFactory, PipelineFactory, ProductFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pipeline(db):
    return PipelineFactory()


@pytest.fixture
def company(admin):
    return services.company_settings_update(
        actor=admin,
        data={
            "name": "Acme Widgets Ltd",
            "address": "1 Market Street\nLeeds LS1 1AA",
            "email": "sales@acme.test",
            "tax_rate": Decimal("20"),
            "approval_threshold": Decimal("15"),
            "validity_days": 30,
            "default_currency": "EUR",
        },
    )


def _deal_with_lines(owner, pipeline, name):
    deal = DealFactory(owner=owner, pipeline=pipeline, name=name)
    contact = ContactFactory(owner=owner, account=deal.account, email=f"buyer-{deal.pk}@cust.test")
    deal.primary_contact = contact
    deal.save(update_fields=["primary_contact"])
    widget = ProductFactory(name="Widget licence", unit_price=Decimal("120.00"))
    support = ProductFactory(name="Support plan", unit_price=Decimal("49.99"))
    line_item_add(actor=owner, deal=deal, product=widget, quantity=Decimal("10"))
    line_item_add(
        actor=owner,
        deal=deal,
        product=support,
        quantity=Decimal("3"),
        discount_percent=Decimal("10"),
    )
    deal.refresh_from_db()
    return deal


@pytest.fixture
def deal(rep, pipeline, company):
    return _deal_with_lines(rep, pipeline, "Acme rollout")


@pytest.fixture
def other_deal(other_rep, pipeline, company):
    return _deal_with_lines(other_rep, pipeline, "Southern deal")


@pytest.fixture
def quote(rep, deal):
    return services.quote_create(actor=rep, deal=deal)


@pytest.fixture
def sent_quote(rep, quote, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.quote_send(actor=rep, quote=quote)


def reload(quote):
    return Quote.objects.get(pk=quote.pk)
