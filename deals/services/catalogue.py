"""The catalogue deals draw on (admins): products and lost reasons."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from deals.fields import LOST_REASON_FIELDS, PRODUCT_FIELDS
from deals.models import LostReason, Product
from salesproc.models import User
from salesproc.services import apply_changes

from ._common import clean_name, config_event, money, save_config_changes


@transaction.atomic
def product_create(
    *, actor: User, name: str, code: str, unit_price, is_active: bool = True
) -> Product:
    name = clean_name(name, what="A product")
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError({"code": "A product needs a code."})
    if Product.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": f"The code {code} is taken."})
    product = Product(
        name=name, code=code, unit_price=money(unit_price, "unit_price"), is_active=is_active
    )
    product.full_clean()
    product.save()
    config_event(product, "product.created", actor, f"Product {name} ({code}) added")
    return product


@transaction.atomic
def product_update(*, actor: User, product: Product, data: dict) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    unknown = set(data) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    values = dict(data)
    if "name" in values:
        values["name"] = clean_name(values["name"], what="A product")
    if "code" in values:
        values["code"] = (values["code"] or "").strip().upper()
        if not values["code"]:
            raise ValidationError({"code": "A product needs a code."})
        if Product.objects.filter(code__iexact=values["code"]).exclude(pk=product.pk).exists():
            raise ValidationError({"code": f"The code {values['code']} is taken."})
    if "unit_price" in values:
        values["unit_price"] = money(values["unit_price"], "unit_price")
    changes = apply_changes(product, None, values)
    if not changes:
        return product
    save_config_changes(
        product, changes, actor=actor, name="product.updated", label=f"Product {product.name}"
    )
    return product


@transaction.atomic
def lost_reason_create(*, actor: User, name: str, is_active: bool = True) -> LostReason:
    name = clean_name(name, what="A lost reason")
    if LostReason.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"“{name}” is already a lost reason."})
    reason = LostReason(name=name, is_active=is_active)
    reason.full_clean()
    reason.save()
    config_event(reason, "lost_reason.created", actor, f"Lost reason {name} added")
    return reason


@transaction.atomic
def lost_reason_update(*, actor: User, reason: LostReason, data: dict) -> LostReason:
    reason = LostReason.objects.select_for_update().get(pk=reason.pk)
    unknown = set(data) - set(LOST_REASON_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    values = dict(data)
    if "name" in values:
        values["name"] = clean_name(values["name"], what="A lost reason")
        if LostReason.objects.filter(name__iexact=values["name"]).exclude(pk=reason.pk).exists():
            raise ValidationError({"name": f"“{values['name']}” is already a lost reason."})
    changes = apply_changes(reason, None, values)
    if not changes:
        return reason
    save_config_changes(
        reason, changes, actor=actor, name="lost_reason.updated", label=f"Lost reason {reason.name}"
    )
    return reason


def lost_reason_from_text(text: str, detail: str = "") -> tuple[LostReason | None, str]:
    """What a client sent as the reason -> (a listed LostReason or None, the free text).

    An id or the name of a listed reason picks it; any other text is kept as the rep's
    own words, in front of the detail.
    """
    text = (text or "").strip()
    detail = (detail or "").strip()
    if text.isdigit():
        reason = LostReason.objects.filter(pk=int(text)).first()
        if reason is None:
            raise ValidationError({"reason": f"There is no lost reason with id {text}."})
        return reason, detail
    reason = LostReason.objects.filter(name__iexact=text, is_active=True).first() if text else None
    if reason is not None:
        return reason, detail
    return None, "\n".join(part for part in (text, detail) if part)


@transaction.atomic
def product_delete(*, actor: User, product: Product) -> None:
    """Remove a product entered by mistake. One that was sold stays: deactivate it."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.line_items.exists():
        raise ValidationError(
            {"product": "Deals have this product as a line item: deactivate it instead."}
        )
    config_event(
        product,
        "product.deleted",
        actor,
        f"Product {product.name} ({product.code}) deleted",
        {"product": product.pk, "code": product.code},
    )
    try:
        with transaction.atomic():
            product.delete()
    except ProtectedError:
        raise ValidationError(
            {"product": "Other records depend on this product: deactivate it instead."}
        )
