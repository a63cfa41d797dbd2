"""Admin settings: the objection library reps plan from."""

from django.core.exceptions import ValidationError
from django.db import transaction

from calls.inputs import ObjectionInput
from calls.models import Objection
from salesproc.events import record_event
from salesproc.models import User

from .checks import LONG_TEXT_LIMIT, require_admin, text


def _apply(data: ObjectionInput, objection: Objection) -> Objection:
    body = text(
        data.text if data.text is not None else objection.text,
        "text",
        required=True,
        message="Say what the buyer objects.",
    )
    clash = Objection.objects.filter(text__iexact=body)
    if objection.pk:
        clash = clash.exclude(pk=objection.pk)
    if clash.exists():
        raise ValidationError({"text": "This objection is already in the library."})
    objection.text = body
    if data.suggested_response is not None:
        objection.suggested_response = text(
            data.suggested_response, "suggested_response", limit=LONG_TEXT_LIMIT
        )
    if data.category is not None:
        category = text(data.category, "category", limit=60)
        if category and category not in Objection.Category.values:
            raise ValidationError({"category": "Pick a category from the list."})
        objection.category = category
    if data.is_active is not None:
        objection.is_active = data.is_active
    return objection


@transaction.atomic
def objection_create(*, actor: User, data: ObjectionInput) -> Objection:
    require_admin(actor)
    objection = _apply(data, Objection())
    objection.save()
    record_event(
        subject=objection,
        name="objection.created",
        actor=actor,
        summary=f"Objection added to the library: {objection.text}",
    )
    return objection


@transaction.atomic
def objection_update(*, actor: User, objection: Objection, data: ObjectionInput) -> Objection:
    require_admin(actor)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    _apply(data, objection)
    objection.save()
    record_event(
        subject=objection,
        name="objection.updated",
        actor=actor,
        summary=f"Objection updated: {objection.text}",
    )
    return objection


@transaction.atomic
def objection_delete(*, actor: User, objection: Objection) -> None:
    """Calls that used it keep their own text and response."""
    require_admin(actor)
    record_event(
        subject=objection,
        name="objection.deleted",
        actor=actor,
        summary=f"Objection removed from the library: {objection.text}",
    )
    objection.delete()
