"""Totals: one service, Decimal, rounding half up to the cent per line, then discount,
then tax; totals that don't add up are refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from automation.quotes import services
from automation.quotes.models import Quote
from automation.quotes.services import totals

from .conftest import reload

D = Decimal


def test_it_rounds_each_line_then_discounts_then_taxes():
    result = totals.compute(
        lines=[
            {"quantity": D("3"), "unit_price": D("49.99"), "discount_percent": D("10")},
            {"quantity": D("1"), "unit_price": D("0.125"), "discount_percent": 0},
        ],
        discount_percent=D("5"),
        tax_rate=D("19"),
    )
    # 134.973 -> 134.97; 0.125 -> 0.13 (half up, not half even)
    assert result.lines == (D("134.97"), D("0.13"))
    assert result.subtotal == D("135.10")
    assert result.discount_amount == D("6.76")  # 6.755 -> 6.76
    assert result.net_total == D("128.34")
    assert result.tax_amount == D("24.38")  # 24.3846 -> 24.38
    assert result.total == D("152.72")
    assert result.list_total == D("150.10")


def test_a_new_quote_copies_the_deals_line_items_with_the_admins_tax(quote):
    lines = list(quote.lines.all())
    assert [(line.description, line.quantity, line.total) for line in lines] == [
        ("Widget licence", D("10.00"), D("1200.00")),
        ("Support plan", D("3.00"), D("134.97")),
    ]
    assert (quote.subtotal, quote.tax_rate, quote.tax_amount, quote.total) == (
        D("1334.97"),
        D("20.00"),
        D("266.99"),
        D("1601.96"),
    )
    assert quote.status == Quote.Status.DRAFT and quote.currency == "EUR"


def test_editing_the_lines_recomputes_the_totals(rep, quote):
    services.quote_update(
        actor=rep,
        quote=quote,
        data={"discount_percent": D("10")},
        lines=[{"description": "Consulting day", "quantity": D("2"), "unit_price": D("950")}],
    )
    quote = reload(quote)
    assert (quote.subtotal, quote.discount_amount, quote.tax_amount, quote.total) == (
        D("1900.00"),
        D("190.00"),
        D("342.00"),
        D("2052.00"),
    )


@pytest.mark.parametrize(
    ("lines", "data", "field"),
    [
        ([{"description": "x", "quantity": D("0"), "unit_price": D("1")}], {}, "lines"),
        ([{"description": "x", "quantity": D("1"), "unit_price": D("-1")}], {}, "lines"),
        ([{"description": "", "quantity": D("1"), "unit_price": D("1")}], {}, "lines"),
        (None, {"discount_percent": D("101")}, "discount_percent"),
        (None, {"tax_rate": D("-1")}, "tax_rate"),
        (None, {"currency": "EURO"}, "currency"),
    ],
)
def test_it_refuses_bad_lines_and_numbers_and_changes_nothing(rep, quote, lines, data, field):
    with pytest.raises(ValidationError) as caught:
        services.quote_update(actor=rep, quote=quote, data=data, lines=lines)
    assert field in caught.value.error_dict
    assert reload(quote).total == D("1601.96")
    assert quote.lines.count() == 2


def test_a_total_that_does_not_add_up_is_refused(rep, quote):
    with pytest.raises(ValidationError) as caught:
        services.quote_update(actor=rep, quote=quote, data={}, expected={"total": D("1600.00")})
    assert "don't add up" in caught.value.message_dict["total"][0]
    assert "1601.96" in caught.value.message_dict["total"][0]


def test_stored_totals_that_no_longer_match_the_lines_block_sending(rep, quote):
    Quote.objects.filter(pk=quote.pk).update(subtotal=D("1.00"))
    with pytest.raises(ValidationError) as caught:
        services.quote_send(actor=rep, quote=quote)
    assert "don't add up" in caught.value.message_dict["total"][0]
    assert reload(quote).status == Quote.Status.DRAFT
