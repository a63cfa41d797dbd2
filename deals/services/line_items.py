"""A deal's line items: add, change and remove them; the deal's amount follows their total."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from deals.fields import LINE_ITEM_FIELDS
from deals.models import Deal, LineItem, Product
from salesproc.models import User

from ._common import check_open, deal_event, locked_deal, money


def _line_items_total(deal):
    return sum((item.total for item in deal.line_items.all()), Decimal("0"))


def _line_item_values(product, quantity, unit_price, discount_percent):
    quantity = money(quantity if quantity is not None else 1, "quantity")
    if quantity <= 0:
        raise ValidationError({"quantity": "The quantity must be more than zero."})
    unit_price = money(
        unit_price if unit_price not in (None, "") else product.unit_price, "unit_price"
    )
    discount = money(
        discount_percent if discount_percent not in (None, "") else 0, "discount_percent"
    )
    if discount > 100:
        raise ValidationError({"discount_percent": "A discount is between 0 and 100 percent."})
    return quantity, unit_price, discount


def build_line_item(deal, *, product, quantity=1, unit_price=None, discount_percent=0):
    if product is None:
        raise ValidationError({"product": "Choose a product."})
    if not product.is_active:
        raise ValidationError({"product": f"{product.name} is no longer sold."})
    quantity, unit_price, discount = _line_item_values(
        product, quantity, unit_price, discount_percent
    )
    item = LineItem(
        deal=deal,
        product=product,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount,
    )
    item.full_clean(exclude=["deal"])
    return item


def _after_line_items_change(deal, actor, summary, data):
    """The deal's amount follows its line items; one version bump and one event."""
    before = deal.amount
    if deal.line_items.exists():
        deal.amount = _line_items_total(deal)
    deal.version += 1
    deal.save(update_fields=["amount", "version", "updated_at"])
    changes = {"amount": [str(before), str(deal.amount)]} if before != deal.amount else {}
    deal_event(
        deal,
        "deal.updated",
        actor,
        summary,
        {**data, "changes": changes, "version": deal.version},
    )


@transaction.atomic
def line_item_add(
    *,
    actor: User,
    deal: Deal,
    product: Product,
    quantity=1,
    unit_price=None,
    discount_percent=0,
    version: int | None = None,
) -> LineItem:
    deal = locked_deal(deal, version)
    check_open(deal, "change its line items")
    item = build_line_item(
        deal,
        product=product,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount_percent,
    )
    item.save()
    _after_line_items_change(
        deal,
        actor,
        f"Added {item.quantity.normalize():f} × {product.name}",
        {"line_item": item.pk, "product": product.pk},
    )
    item.deal = deal
    return item


@transaction.atomic
def line_item_update(
    *, actor: User, line_item: LineItem, data: dict, version: int | None = None
) -> LineItem:
    deal = locked_deal(line_item.deal, version)
    check_open(deal, "change its line items")
    item = LineItem.objects.select_related("product").get(pk=line_item.pk)
    unknown = set(data) - set(LINE_ITEM_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    quantity, unit_price, discount = _line_item_values(
        item.product,
        data.get("quantity", item.quantity),
        data.get("unit_price", item.unit_price),
        data.get("discount_percent", item.discount_percent),
    )
    changes = {}
    for field, value in (
        ("quantity", quantity),
        ("unit_price", unit_price),
        ("discount_percent", discount),
    ):
        if getattr(item, field) != value:
            changes[field] = [str(getattr(item, field)), str(value)]
            setattr(item, field, value)
    if not changes:
        return item
    item.full_clean(exclude=["deal"])
    item.save(update_fields=list(changes))
    _after_line_items_change(
        deal,
        actor,
        f"Changed the {item.product.name} line",
        {"line_item": item.pk, "line_changes": changes},
    )
    item.deal = deal
    return item


@transaction.atomic
def line_item_remove(*, actor: User, line_item: LineItem, version: int | None = None) -> Deal:
    deal = locked_deal(line_item.deal, version)
    check_open(deal, "change its line items")
    item = LineItem.objects.select_related("product").get(pk=line_item.pk)
    name = item.product.name
    item.delete()
    _after_line_items_change(deal, actor, f"Removed the {name} line", {"product": item.product_id})
    return deal
