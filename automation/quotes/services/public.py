"""What the customer does through the public link: accept (typed name and a checkbox,
time and address recorded) or decline with a reason. Exactly one decision per quote."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from automation.quotes.models import Quote

from .quotes import _event


def quote_for_token(token: str):
    """The latest version a token opens, or None (unknown, replaced): no other look-up."""
    if not token or len(token) > 64:
        return None
    return (
        Quote.objects.select_related("deal", "deal__account", "deal__primary_contact")
        .filter(token=token, is_latest=True)
        .first()
    )


def link_expired(quote) -> bool:
    """Expired (or past its date, before the daily task marks it); decided quotes are not."""
    if quote.status in (Quote.Status.ACCEPTED, Quote.Status.DECLINED):
        return False
    return quote.status == Quote.Status.EXPIRED or quote.valid_until < timezone.localdate()


def link_refusal(quote) -> str:
    """Why a link can't be used to decide ("" when it can)."""
    if quote.status == Quote.Status.ACCEPTED:
        return "This quote has already been accepted. Thank you."
    if quote.status == Quote.Status.DECLINED:
        return "This quote was declined."
    if link_expired(quote):
        return f"This quote expired on {quote.valid_until:%d %b %Y}. Ask us for a new one."
    if quote.status != Quote.Status.SENT:
        return "This quote is not open for a decision."
    return ""


def _locked(token):
    quote = quote_for_token(token)
    if quote is None:
        raise ValidationError("This link is not valid.")
    quote = Quote.objects.select_for_update(of=("self",)).select_related("deal").get(pk=quote.pk)
    refusal = link_refusal(quote)
    if refusal or not quote.is_latest:
        raise ValidationError(refusal or "This link is not valid.")
    return quote


@transaction.atomic
def quote_accept(*, token: str, name: str, agreed: bool, ip: str | None) -> Quote:
    name = (name or "").strip()
    errors = {}
    if len(name) < 2:
        errors["name"] = "Type your full name to accept."
    if not agreed:
        errors["agree"] = "Tick the box to confirm you accept the quote and its terms."
    if errors:
        raise ValidationError(errors)
    quote = _locked(token)
    quote.status = Quote.Status.ACCEPTED
    quote.accepted_name = name[:200]
    quote.decided_at = timezone.now()
    quote.decided_ip = ip or None
    quote.save(update_fields=["status", "accepted_name", "decided_at", "decided_ip", "updated_at"])
    _event(quote, "quote.accepted", None, f"Quote {quote.label} accepted by {quote.accepted_name}")
    notify_owner(quote, f"{quote.label} was accepted by {quote.accepted_name}.")
    return quote


@transaction.atomic
def quote_decline(*, token: str, reason: str, ip: str | None) -> Quote:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Tell us why, so we can do better."})
    quote = _locked(token)
    quote.status = Quote.Status.DECLINED
    quote.decline_reason = reason[:2000]
    quote.decided_at = timezone.now()
    quote.decided_ip = ip or None
    quote.save(update_fields=["status", "decline_reason", "decided_at", "decided_ip", "updated_at"])
    _event(quote, "quote.declined", None, f"Quote {quote.label} declined", reason=reason[:300])
    notify_owner(quote, f"{quote.label} was declined: {reason[:200]}")
    return quote


def notify_owner(quote, text):
    from salesproc.services import notify

    notify(recipient=quote.deal.owner, text=text, url=quote.get_absolute_url())


@transaction.atomic
def quotes_expire_due(*, today=None) -> int:
    """Daily: sent quotes past their validity date become expired (idempotent)."""
    today = today or timezone.localdate()
    due = list(
        Quote.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("deal")
        .filter(status=Quote.Status.SENT, is_latest=True, valid_until__lt=today)
    )
    for quote in due:
        quote.status = Quote.Status.EXPIRED
        quote.save(update_fields=["status", "updated_at"])
        _event(quote, "quote.expired", None, f"Quote {quote.label} expired")
    return len(due)
