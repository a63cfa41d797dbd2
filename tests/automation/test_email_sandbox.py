"""The sandbox email templates render in: fields and three filters, nothing else."""

from datetime import date
from decimal import Decimal

import pytest

from automation.emails import rendering
from automation.emails.fields import FIELD_KEYS

VALUES = {
    "contact.first_name": "Dana",
    "deal.amount": Decimal("12500"),
    "deal.close_date": date(2027, 3, 31),
    "call.next_steps": "",
}


def test_it_fills_in_fields_and_filters():
    text = (
        'Hi {{ contact.first_name }}, {{deal.amount|money:"EUR"}} by '
        '{{ deal.close_date|date:"j M Y" }}; next: {{ call.next_steps|default:"none yet" }}.'
    )
    assert rendering.render(text, VALUES) == (
        "Hi Dana, EUR 12,500.00 by 31 Mar 2027; next: none yet."
    )


def test_it_formats_dates_and_money_without_filters():
    assert rendering.render("{{ deal.amount }} {{ deal.close_date }}", VALUES) == (
        "12,500.00 31 March 2027"
    )


def test_it_leaves_values_unescaped_and_unevaluated():
    values = {"contact.first_name": "{{ sender.email }} <b>{% now 'Y' %}</b>"}
    assert rendering.render("{{ contact.first_name }}", values) == values["contact.first_name"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{% if contact.first_name %}x{% endif %}", "Template tags"),
        ("{% load static %}", "Template tags"),
        ("{# a comment #}", "Template tags"),
        ("{{ contact.first_name.upper }}", "Unknown field"),
        ("{{ contact.__class__ }}", "Unknown field"),
        ("{{ contact.__class__.__mro__ }}", "Unknown field"),
        ("{{ sender.password }}", "Unknown field"),
        ("{{ settings.SECRET_KEY }}", "Unknown field"),
        ("{{ contact }}", "Unknown field"),
        ("{{ contact.first_name|upper }}", "Unknown filter"),
        ("{{ contact.first_name|safe }}", "Unknown filter"),
        ("{{ contact.first_name|default:contact.email }}", "Unknown filter"),
        ('{{ contact.first_name|date:"{{" }}', "Unknown filter"),
        ("{{ contact.first_name", "not closed"),
        ("Hi }} there", "not closed"),
    ],
)
def test_it_refuses_template_code(text, message):
    problems = rendering.check(text, FIELD_KEYS)
    assert any(message in p for p in problems), problems
    with pytest.raises(rendering.Problems):
        rendering.render(text, dict.fromkeys(FIELD_KEYS, "x"))


def test_it_lists_unknown_fields_once():
    text = "{{ contact.nickname }} {{ contact.nickname }} {{ contact.first_name }}"
    assert rendering.unknown_fields(text, FIELD_KEYS) == ["contact.nickname"]
    assert rendering.check(text, FIELD_KEYS) == ["Unknown field “contact.nickname”."]
