"""Making and changing quotes: create from a deal, edit a draft, revise into a new version."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from automation.quotes.models import Quote, QuoteLine, TermsTemplate
from deals.models import Deal, LineItem
from salesproc.access import get_visible_or_404
from salesproc.currencies import clean_currency
from salesproc.events import record_event

from . import cover
from . import totals as money
from ._common import company_settings, lock_quote, require_editable
from .numbering import next_quote_number

HEADER_FIELDS = (
    "title",
    "currency",
    "discount_percent",
    "tax_rate",
    "valid_until",
    "terms_template",
    "terms",
    "cover_letter",
)
LINE_FIELDS = ("description", "quantity", "unit_price", "discount_percent")
MAX_LINES = 200


def _event(quote, name, actor, summary, **data):
    record_event(
        subject=quote,
        name=name,
        actor=actor,
        summary=summary,
        data={"deal_id": quote.deal_id, "quote_id": quote.pk, "number": quote.number, **data},
        also=(quote.deal,),
    )


def _write_lines(quote, lines):
    """Replace the quote's lines and store its totals (one computation: services.totals)."""
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": f"A quote has at most {MAX_LINES} lines."})
    for index, line in enumerate(lines):
        if not str(line.get("description") or "").strip():
            raise ValidationError({"lines": f"Line {index + 1}: describe what is offered."})
    result = money.compute(
        lines=lines, discount_percent=quote.discount_percent, tax_rate=quote.tax_rate
    )
    QuoteLine.objects.filter(quote=quote).delete()
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            position=index,
            product_id=line.get("product_id"),
            description=str(line["description"]).strip()[:300],
            quantity=line["quantity"],
            unit_price=line["unit_price"],
            discount_percent=line.get("discount_percent") or 0,
            total=result.lines[index],
        )
        for index, line in enumerate(lines)
    )
    for field, value in result.as_fields().items():
        setattr(quote, field, value)
    return result


def _validate_header(quote):
    errors = {}
    try:
        quote.currency = clean_currency(quote.currency)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if quote.valid_until and quote.valid_until < timezone.localdate():
        errors["valid_until"] = "The validity date can't be in the past."
    if errors:
        raise ValidationError(errors)


def lines_of(quote):
    return [
        {field: getattr(line, field) for field in (*LINE_FIELDS, "product_id")}
        for line in quote.lines.all()
    ]


@transaction.atomic
def quote_create(*, actor, deal: Deal) -> Quote:
    """A draft quote from the deal: its line items copied, the admin's defaults set."""
    deal = get_visible_or_404(Deal.objects.all(), actor, deal.pk, for_write=True)
    if not deal.is_open:
        raise ValidationError("Quotes are made on open deals; this deal is closed.")
    company = company_settings()
    terms = TermsTemplate.objects.filter(is_active=True, is_default=True).first()
    quote = Quote(
        deal=deal,
        number=next_quote_number(),
        title=deal.name[:200],
        currency=deal.currency or company.default_currency,
        tax_rate=company.tax_rate,
        valid_until=timezone.localdate() + timedelta(days=company.validity_days),
        terms_template=terms,
        terms=terms.body if terms else "",
        created_by=actor,
    )
    items = LineItem.objects.filter(deal=deal).select_related("product").order_by("id")
    lines = [
        {
            "product_id": item.product_id,
            "description": item.product.name,
            "quantity": item.quantity,
            "unit_price": item.unit_price,
            "discount_percent": item.discount_percent,
        }
        for item in items
    ]
    quote.save()
    _write_lines(quote, lines)
    quote.save()
    _event(quote, "quote.created", actor, f"Quote {quote.label} drafted")
    return quote


@transaction.atomic
def quote_update(*, actor, quote: Quote, data: dict, lines=None, expected=None) -> Quote:
    """Change a draft: header fields in data, lines (all of them) when given.

    expected: totals the client computed; refused when they don't add up (400)."""
    quote = lock_quote(actor=actor, quote=quote)
    require_editable(quote)
    template = data.get("terms_template")
    if template is not None and (template.pk != quote.terms_template_id or "terms" not in data):
        data = {**data, "terms": template.body}  # a newly chosen template brings its text
    cover_template = data.get("cover_template")
    if cover_template is not None:  # the email template's text replaces the cover letter
        data = {
            **data,
            "cover_letter": cover.cover_letter_from(
                actor=actor, quote=quote, template=cover_template
            ),
        }
    before_discount = money.effective_discount(quote)
    for field in HEADER_FIELDS:
        if field in data:
            value = data[field]
            setattr(quote, field, "" if value is None and field != "terms_template" else value)
    _validate_header(quote)
    result = _write_lines(quote, lines if lines is not None else lines_of(quote))
    if expected:
        money.check_expected(result, expected)
    after_discount = money.effective_discount(quote)
    if (quote.approval == Quote.Approval.APPROVED and after_discount > before_discount) or (
        quote.approval in (Quote.Approval.PENDING, Quote.Approval.REJECTED)
        and after_discount != before_discount
    ):
        # An approval covers the discount it saw (or less); a new discount asks again.
        quote.approval = Quote.Approval.NONE
        quote.approval_by = None
    quote.save()
    if cover_template is not None:
        cover.count_cover_use(cover_template)
    _event(quote, "quote.updated", actor, f"Quote {quote.label} edited", total=str(quote.total))
    return quote


@transaction.atomic
def quote_revise(*, actor, quote: Quote) -> Quote:
    """A new version with the same number; the old one stays, read-only, and its link closes."""
    quote = lock_quote(actor=actor, quote=quote)
    if not quote.is_latest:
        raise ValidationError(f"{quote.label} was already revised; revise the latest version.")
    if quote.status in (Quote.Status.DRAFT, Quote.Status.ACCEPTED):
        raise ValidationError(
            "A draft is edited directly."
            if quote.status == Quote.Status.DRAFT
            else f"{quote.label} was accepted and can't be revised."
        )
    if not quote.deal.is_open:
        raise ValidationError("The deal is closed; open it again to revise the quote.")
    company = company_settings()
    old_lines = lines_of(quote)
    quote.is_latest = False
    quote.save(update_fields=["is_latest", "updated_at"])
    new = Quote(
        deal=quote.deal,
        number=quote.number,
        version=quote.version + 1,
        title=quote.title,
        currency=quote.currency,
        discount_percent=quote.discount_percent,
        tax_rate=quote.tax_rate,
        valid_until=max(
            quote.valid_until, timezone.localdate() + timedelta(days=company.validity_days)
        ),
        terms_template=quote.terms_template,
        terms=quote.terms,
        cover_letter=quote.cover_letter,
        created_by=actor,
    )
    new.save()
    _write_lines(new, old_lines)
    new.save()
    _event(
        new,
        "quote.revised",
        actor,
        f"Quote {quote.number} revised to version {new.version}",
        version=new.version,
        previous_quote_id=quote.pk,
    )
    return new
