"""The admin's side: the company settings on every quote and the terms templates."""

from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from automation.quotes.models import TermsTemplate
from salesproc.currencies import clean_currency
from salesproc.events import record_event
from salesproc.services import apply_changes

from ._common import company_settings

COMPANY_FIELDS = (
    "name",
    "address",
    "email",
    "phone",
    "tax_rate",
    "approval_threshold",
    "validity_days",
    "default_currency",
)
MAX_LOGO_BYTES = 2 * 1024 * 1024


def _require_admin(actor):
    if actor is None or not actor.is_crm_admin:
        raise PermissionDenied("Only an admin can change the quote settings.")


def _check_logo(upload):
    if upload.size > MAX_LOGO_BYTES:
        raise ValidationError({"logo": "The logo must be under 2 MB."})
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError({"logo": "Upload a PNG or JPEG image."})
    if kind not in ("PNG", "JPEG"):
        raise ValidationError({"logo": "Upload a PNG or JPEG image."})


@transaction.atomic
def company_settings_update(*, actor, data: dict, logo=None, remove_logo=False):
    _require_admin(actor)
    row = company_settings()
    if "default_currency" in data:
        code = clean_currency(data["default_currency"], field="default_currency")
        data = {**data, "default_currency": code}
    changes = apply_changes(row, COMPANY_FIELDS, data)
    if logo is not None:
        _check_logo(logo)
        row.logo.save(f"logo-{logo.name[-40:]}", logo, save=False)
        changes["logo"] = ["", row.logo.name]
    elif remove_logo and row.logo:
        row.logo.delete(save=False)
        changes["logo"] = ["", "removed"]
    row.full_clean()
    row.save()
    if changes:
        record_event(
            subject=row,
            name="quote.settings_changed",
            actor=actor,
            summary="Quote settings changed",
            data={"changes": changes},
        )
    return row


def _terms_save(*, actor, template, data):
    _require_admin(actor)
    apply_changes(template, ("name", "body", "is_default", "is_active"), data)
    template.name = (template.name or "").strip()
    if not template.body.strip():
        raise ValidationError({"body": "Write the terms."})
    template.full_clean()
    template.save()
    if template.is_default:
        TermsTemplate.objects.exclude(pk=template.pk).update(is_default=False)
    return template


@transaction.atomic
def terms_template_create(*, actor, data: dict) -> TermsTemplate:
    return _terms_save(actor=actor, template=TermsTemplate(), data=data)


@transaction.atomic
def terms_template_update(*, actor, template: TermsTemplate, data: dict) -> TermsTemplate:
    template = TermsTemplate.objects.select_for_update().get(pk=template.pk)
    return _terms_save(actor=actor, template=template, data=data)
