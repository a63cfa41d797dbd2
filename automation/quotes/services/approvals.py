"""A discount above the admin's threshold needs the manager's approval before sending."""

from django.core.exceptions import ValidationError
from django.db import transaction

from automation.quotes.models import Quote
from salesproc.models import User
from salesproc.services import notify

from . import totals as money
from ._common import company_settings, lock_quote, require_approver, require_editable
from .quotes import _event


def needs_approval(quote: Quote) -> bool:
    threshold = company_settings().approval_threshold
    return money.effective_discount(quote) > threshold


def approval_state(quote: Quote) -> str:
    """ "" (not needed), "needed", "pending", "approved" or "rejected", for pages and API."""
    if quote.approval:
        return quote.approval
    return "needed" if needs_approval(quote) else ""


def _approvers(quote):
    team = quote.deal.owner.team
    if team is not None and team.manager_id and team.manager.is_active:
        return [team.manager]
    return list(User.objects.filter(is_active=True, role__is_admin=True))


@transaction.atomic
def quote_request_approval(*, actor, quote: Quote, note: str = "") -> Quote:
    quote = lock_quote(actor=actor, quote=quote)
    require_editable(quote)
    if not needs_approval(quote):
        raise ValidationError("This quote's discount is within the threshold: no approval needed.")
    if quote.approval in (Quote.Approval.PENDING, Quote.Approval.APPROVED):
        raise ValidationError(f"Approval is already {quote.get_approval_display().lower()}.")
    quote.approval = Quote.Approval.PENDING
    quote.approval_note = note.strip()[:2000]
    quote.approval_by = None
    quote.save(update_fields=["approval", "approval_note", "approval_by", "updated_at"])
    _event(quote, "quote.approval_requested", actor, f"Approval of {quote.label} requested")
    for approver in _approvers(quote):
        if approver.pk == getattr(actor, "pk", None):
            continue
        notify(
            recipient=approver,
            text=f"{actor.display_name} asks you to approve the discount on {quote.label} "
            f"({quote.deal.name}).",
            url=quote.get_absolute_url(),
        )
    return quote


def _decide(*, actor, quote, approve: bool, note: str):
    quote = lock_quote(actor=actor, quote=quote)
    require_approver(actor, quote)
    require_editable(quote)
    if quote.approval != Quote.Approval.PENDING:
        raise ValidationError("No approval is pending on this quote.")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "Say why, so the rep can change the quote."})
    quote.approval = Quote.Approval.APPROVED if approve else Quote.Approval.REJECTED
    quote.approval_note = note[:2000]
    quote.approval_by = actor
    quote.save(update_fields=["approval", "approval_note", "approval_by", "updated_at"])
    verb = "approved" if approve else "rejected"
    _event(quote, f"quote.{verb}", actor, f"Discount on {quote.label} {verb}", note=note)
    notify(
        recipient=quote.deal.owner,
        text=f"{actor.display_name} {verb} the discount on {quote.label}"
        + (f": {note}" if note else "."),
        url=quote.get_absolute_url(),
    )
    return quote


@transaction.atomic
def quote_approve(*, actor, quote: Quote, note: str = "") -> Quote:
    return _decide(actor=actor, quote=quote, approve=True, note=note)


@transaction.atomic
def quote_reject(*, actor, quote: Quote, note: str = "") -> Quote:
    return _decide(actor=actor, quote=quote, approve=False, note=note)
