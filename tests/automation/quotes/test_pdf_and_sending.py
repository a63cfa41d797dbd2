"""The PDF (read back with pypdf) and sending it by email."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from automation.quotes import services
from automation.quotes.models import Quote
from automation.quotes.pdf import render_quote_pdf
from salesproc.models import Event

from .conftest import reload


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def png_logo():
    buffer = BytesIO()
    Image.new("RGB", (120, 40), (30, 90, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_the_pdf_shows_the_company_the_lines_and_the_totals(admin, rep, quote):
    services.company_settings_update(actor=admin, data={}, logo=png_logo())
    services.quote_update(
        actor=rep, quote=quote, data={"cover_letter": "Dear Ms Żak,\nthank you for your time."}
    )
    data = render_quote_pdf(reload(quote))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (
        "Acme Widgets Ltd",
        "1 Market Street",
        f"Quote {quote.number}",
        "Widget licence",
        "Support plan",
        "1,200.00",
        "134.97",
        "1,334.97",
        "Tax 20.00%",
        "EUR 1,601.96",
        "Dear Ms Zak",  # outside Latin-1: transliterated, not a broken PDF
    ):
        assert expected in text, expected
    reader = PdfReader(BytesIO(data))
    assert any("/XObject" in (page["/Resources"] or {}) for page in reader.pages)  # the logo


def test_a_fifty_line_quote_runs_over_pages_with_every_line(rep, quote):
    lines = [
        {"description": f"Item number {n}", "quantity": Decimal("1"), "unit_price": Decimal(n)}
        for n in range(1, 51)
    ]
    services.quote_update(actor=rep, quote=quote, data={}, lines=lines)
    reader = PdfReader(BytesIO(render_quote_pdf(reload(quote))))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    assert all(f"Item number {n}" in text for n in range(1, 51))


def test_sending_emails_the_pdf_and_opens_the_link(rep, quote, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_send(actor=rep, quote=quote, message="Here is our offer.")
    quote = reload(quote)
    assert quote.status == Quote.Status.SENT and len(quote.token) >= 40
    assert quote.sent_to == quote.deal.primary_contact.email
    [email] = mail.outbox
    assert email.to == [quote.sent_to] and email.reply_to == [rep.email]
    assert services.public_url(quote) in email.body and "Here is our offer." in email.body
    [(name, content, kind)] = email.attachments
    assert (name, kind) == (f"{quote.number}-v1.pdf", "application/pdf")
    assert quote.number in pdf_text(content)
    assert Event.objects.filter(name="quote.sent", object_id=quote.pk).count() == 1
    # And a second run of the task sends nothing more
    assert services.email_quote(quote_id=quote.pk) is False
    assert len(mail.outbox) == 1


def test_a_sent_quote_is_read_only_until_revised(rep, sent_quote):
    with pytest.raises(ValidationError):
        services.quote_update(actor=rep, quote=sent_quote, data={"title": "changed"})
    new = services.quote_revise(actor=rep, quote=sent_quote)
    old = reload(sent_quote)
    assert (old.is_latest, old.status, old.title) == (False, Quote.Status.SENT, "Acme rollout")
    assert (new.status, new.version, new.total) == (Quote.Status.DRAFT, 2, old.total)
    assert services.quote_for_token(old.token) is None  # the old link closes
    with pytest.raises(ValidationError):
        services.quote_revise(actor=rep, quote=old)


def test_sending_needs_an_address_and_lines(rep, quote):
    with pytest.raises(ValidationError) as caught:
        services.quote_send(actor=rep, quote=quote, to="not-an-address")
    assert "to" in caught.value.error_dict
    services.quote_update(actor=rep, quote=quote, data={}, lines=[])
    with pytest.raises(ValidationError) as caught:
        services.quote_send(actor=rep, quote=quote)
    assert "lines" in caught.value.error_dict
    assert reload(quote).status == Quote.Status.DRAFT and mail.outbox == []


def test_a_bad_logo_is_refused(admin, company):
    bad = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        services.company_settings_update(actor=admin, data={}, logo=bad)
    assert "logo" in caught.value.error_dict
    assert not services.company_settings().logo
