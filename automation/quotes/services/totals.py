"""The one place a quote's money is computed.

Rounding rules (all amounts to the cent, ROUND_HALF_UP, in Decimal; never floats):
1. a line's total = quantity x unit price x (1 - line discount %), rounded;
2. subtotal = the sum of the rounded line totals;
3. discount = subtotal x the quote's discount %, rounded; net = subtotal - discount;
4. tax = net x tax rate %, rounded; total = net + tax.
list_total (quantity x unit price, before any discount) is what the effective discount
is measured against: the share of list price given away by line and quote discounts.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
TOTAL_FIELDS = ("list_total", "subtotal", "discount_amount", "net_total", "tax_amount", "total")
MAX_AMOUNT = Decimal("999999999999.99")  # what a 14-digit, 2-place column holds


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    lines: tuple  # each line's rounded total, in order
    list_total: Decimal
    subtotal: Decimal
    discount_amount: Decimal
    net_total: Decimal
    tax_amount: Decimal
    total: Decimal

    @property
    def effective_discount_percent(self) -> Decimal:
        if not self.list_total:
            return Decimal("0")
        return money((self.list_total - self.net_total) * HUNDRED / self.list_total)

    def as_fields(self):
        return {field: getattr(self, field) for field in TOTAL_FIELDS}


def effective_discount(quote) -> Decimal:
    """The share of list price a stored quote gives away (line and quote discounts)."""
    if not quote.list_total:
        return Decimal("0")
    return money((quote.list_total - quote.net_total) * HUNDRED / quote.list_total)


def _percent(value, field):
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: "Enter a number."})
    if not value.is_finite() or value < 0 or value > HUNDRED:
        raise ValidationError({field: "Enter a percentage between 0 and 100."})
    return value


def line_total(*, quantity, unit_price, discount_percent) -> Decimal:
    return money(
        Decimal(quantity) * Decimal(unit_price) * (HUNDRED - Decimal(discount_percent)) / HUNDRED
    )


def compute(*, lines, discount_percent, tax_rate) -> Totals:
    """lines: dicts (or objects) with quantity, unit_price, discount_percent."""
    discount_percent = _percent(discount_percent, "discount_percent")
    tax_rate = _percent(tax_rate, "tax_rate")
    line_totals = []
    list_total = Decimal("0")
    for index, line in enumerate(lines):
        get = line.get if isinstance(line, dict) else lambda k, o=line: getattr(o, k)
        quantity, unit_price = get("quantity"), get("unit_price")
        errors = {}
        if quantity is None or Decimal(quantity) <= 0:
            errors["quantity"] = "The quantity must be more than 0."
        if unit_price is None or Decimal(unit_price) < 0:
            errors["unit_price"] = "The unit price can't be negative."
        if errors:
            raise ValidationError({"lines": f"Line {index + 1}: " + " ".join(errors.values())})
        line_discount = _percent(get("discount_percent") or 0, "lines")
        line_totals.append(
            line_total(quantity=quantity, unit_price=unit_price, discount_percent=line_discount)
        )
        list_total += money(Decimal(quantity) * Decimal(unit_price))
    subtotal = sum(line_totals, Decimal("0"))
    discount_amount = money(subtotal * discount_percent / HUNDRED)
    net_total = subtotal - discount_amount
    tax_amount = money(net_total * tax_rate / HUNDRED)
    total = net_total + tax_amount
    if max(total, list_total) > MAX_AMOUNT:
        raise ValidationError({"lines": "The quote's total is too large."})
    return Totals(
        lines=tuple(line_totals),
        list_total=list_total,
        subtotal=subtotal,
        discount_amount=discount_amount,
        net_total=net_total,
        tax_amount=tax_amount,
        total=total,
    )


def check_expected(totals: Totals, expected: dict):
    """Refuse totals a caller stated that don't add up to what the lines give.

    expected: any of subtotal, discount_amount, net_total, tax_amount, total (as the
    client computed them). A mismatch is a ValidationError naming each field."""
    errors = {}
    for field, value in expected.items():
        if value is None:
            continue
        ours = getattr(totals, field)
        if money(value) != ours:
            errors[field] = (
                f"The totals don't add up: the lines give {field.replace('_', ' ')} "
                f"{ours}, not {money(value)}."
            )
    if errors:
        raise ValidationError(errors)


def check_stored(quote, lines):
    """A stored quote whose totals no longer match its lines is refused (sending, PDF)."""
    fresh = compute(lines=lines, discount_percent=quote.discount_percent, tax_rate=quote.tax_rate)
    stored = {field: getattr(quote, field) for field in fresh.as_fields()}
    if stored != fresh.as_fields() or fresh.lines != tuple(line.total for line in lines):
        raise ValidationError(
            {
                "total": f"The totals of {quote.label} don't add up to its lines "
                f"(stored {quote.total}, the lines give {fresh.total}). Save the quote again."
            }
        )
    return fresh
