"""Sending a quote: the checks, the public link's token, and the email with the PDF."""

import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from automation.quotes.models import Quote

from . import totals as money
from ._common import lock_quote, require_editable
from .approvals import needs_approval
from .quotes import _event

log = logging.getLogger(__name__)


def public_url(quote) -> str:
    return settings.SITE_URL + reverse("automation:quotes:public_quote", args=[quote.token])


def default_recipient(quote) -> str:
    contact = quote.deal.primary_contact
    return (contact.email or "") if contact else ""


@transaction.atomic
def quote_send(*, actor, quote: Quote, to: str = "", message: str = "") -> Quote:
    """Draft -> sent: the public link opens and the email (with the PDF) goes out once
    the transaction commits."""
    quote = lock_quote(actor=actor, quote=quote)
    require_editable(quote)
    to = (to or default_recipient(quote)).strip()
    try:
        validate_email(to)
    except ValidationError:
        raise ValidationError({"to": "Enter the customer's email address."})
    lines = list(quote.lines.all())
    if not lines:
        raise ValidationError({"lines": "Add at least one line before sending."})
    money.check_stored(quote, lines)
    if quote.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": "The validity date has passed; change it first."})
    if needs_approval(quote) and quote.approval != Quote.Approval.APPROVED:
        raise ValidationError(
            "The discount is above the approval threshold: the manager must approve it "
            "before the quote is sent."
        )
    quote.status = Quote.Status.SENT
    quote.sent_at = timezone.now()
    quote.sent_to = to
    quote.token = secrets.token_urlsafe(32)
    quote.emailed_at = None
    quote.save()
    _event(quote, "quote.sent", actor, f"Quote {quote.label} sent to {to}", to=to)
    note = message.strip()[:5000]
    transaction.on_commit(lambda: _enqueue_email(quote.pk, actor.pk if actor else None, note))
    return quote


def _enqueue_email(quote_id, actor_id, message):
    from automation.quotes.tasks import send_quote_email_task

    try:
        send_quote_email_task.delay(quote_id, actor_id, message)
    except Exception:
        log.warning("could not enqueue the email of quote %s", quote_id, exc_info=True)


def email_quote(*, quote_id, actor_id=None, message=""):
    """Send the quote's email once (the emailed_at claim); called by the task."""
    from automation.quotes.pdf import render_quote_pdf
    from salesproc.models import User

    now = timezone.now()
    claimed = Quote.objects.filter(
        pk=quote_id, status=Quote.Status.SENT, emailed_at__isnull=True
    ).update(emailed_at=now)
    if not claimed:
        return False
    quote = Quote.objects.select_related("deal", "deal__account", "deal__owner").get(pk=quote_id)
    sender = User.objects.filter(pk=actor_id).first() or quote.deal.owner
    body = "\n\n".join(
        part
        for part in (
            message or quote.cover_letter or f"Please find our quote {quote.label} attached.",
            f"See the quote and accept it online (until {quote.valid_until:%d %b %Y}):\n"
            f"{public_url(quote)}",
            sender.display_name,
        )
        if part
    )
    email = EmailMessage(
        subject=f"Quote {quote.label}: {quote.title or quote.deal.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[quote.sent_to],
        reply_to=[sender.email] if sender.email else None,
    )
    email.attach(f"{quote.number}-v{quote.version}.pdf", render_quote_pdf(quote), "application/pdf")
    try:
        email.send()
    except Exception:
        Quote.objects.filter(pk=quote_id, emailed_at=now).update(emailed_at=None)
        raise
    return True
