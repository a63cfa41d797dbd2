"""The currencies a deal (or a quote) may be in: ISO 4217 codes, and the organisation's
default (the DEFAULT_CURRENCY setting, EUR unless set)."""

from django.conf import settings
from django.core.exceptions import ValidationError

CURRENCY_CHOICES = [
    ("EUR", "EUR – Euro"),
    ("USD", "USD – US dollar"),
    ("GBP", "GBP – Pound sterling"),
    ("CHF", "CHF – Swiss franc"),
    ("SEK", "SEK – Swedish krona"),
    ("NOK", "NOK – Norwegian krone"),
    ("DKK", "DKK – Danish krone"),
    ("PLN", "PLN – Polish złoty"),
    ("CZK", "CZK – Czech koruna"),
    ("HUF", "HUF – Hungarian forint"),
    ("RON", "RON – Romanian leu"),
    ("TRY", "TRY – Turkish lira"),
    ("CAD", "CAD – Canadian dollar"),
    ("MXN", "MXN – Mexican peso"),
    ("BRL", "BRL – Brazilian real"),
    ("AUD", "AUD – Australian dollar"),
    ("NZD", "NZD – New Zealand dollar"),
    ("JPY", "JPY – Japanese yen"),
    ("CNY", "CNY – Chinese yuan"),
    ("HKD", "HKD – Hong Kong dollar"),
    ("SGD", "SGD – Singapore dollar"),
    ("INR", "INR – Indian rupee"),
    ("KRW", "KRW – South Korean won"),
    ("AED", "AED – UAE dirham"),
    ("SAR", "SAR – Saudi riyal"),
    ("ILS", "ILS – Israeli shekel"),
    ("ZAR", "ZAR – South African rand"),
]
CODES = {code for code, _ in CURRENCY_CHOICES}


def default_currency():
    code = (getattr(settings, "DEFAULT_CURRENCY", "") or "EUR").upper()
    return code if code in CODES else "EUR"


def clean_currency(value, field="currency"):
    """The ISO code for value ("usd" → "USD"); empty means the organisation's default."""
    code = (value or "").strip().upper() or default_currency()
    if code not in CODES:
        raise ValidationError(
            {
                field: f"“{value}” is not a currency we know: use an ISO code such as EUR, USD or GBP."
            }
        )
    return code
