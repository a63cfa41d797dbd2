"""The customer's page behind a quote's unguessable link: no login, no navigation, no link
into the CRM; it reads one quote by its token and can only accept or decline that quote."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from automation.quotes import services
from automation.quotes.forms import AcceptForm, DeclineForm
from automation.quotes.pdf import render_quote_pdf
from automation.quotes.throttling import allowed
from salesproc.client import client_address
from salesproc.views import apply_errors

TEMPLATE = "automation/quotes/public_quote.html"


def _refused(request, title, text, status):
    response = render(
        request,
        "automation/quotes/public_message.html",
        {"title": title, "text": text},
        status=status,
    )
    return response


def _limited(request):
    ok, wait = allowed(request)
    if ok:
        return None
    response = _refused(
        request, "Too many requests", f"Please wait {wait} seconds and try again.", 429
    )
    response["Retry-After"] = str(wait)
    return response


def _robots(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # no-referrer makes the Origin null: CSRF refuses
    return response


def _quote_or_refusal(request, token):
    """(the quote of a public link, None) or (None, the answer: rate limited, or a link
    that is not valid any more)."""
    limited = _limited(request)
    if limited:
        return None, _robots(limited)
    quote = services.quote_for_token(token)
    if quote is None:
        refusal = _refused(request, "Link not valid", "This quote link is not valid any more.", 404)
        return None, _robots(refusal)
    return quote, None


@never_cache
@csrf_protect
def public_quote(request, token):
    quote, refused = _quote_or_refusal(request, token)
    if refused:
        return refused
    refusal = services.link_refusal(quote)
    accept_form = AcceptForm()
    decline_form = DeclineForm()
    status = 200
    if refusal and quote.status not in (quote.Status.ACCEPTED, quote.Status.DECLINED):
        status = 410  # expired: the page says so and offers nothing to do
    if request.method == "POST" and not refusal:
        ip = client_address(request) or None
        if request.POST.get("action") == "decline":
            decline_form = DeclineForm(request.POST)
            form, run = (
                decline_form,
                lambda d: services.quote_decline(token=token, reason=d["reason"], ip=ip),
            )
        else:
            accept_form = AcceptForm(request.POST)
            form, run = (
                accept_form,
                lambda d: services.quote_accept(
                    token=token, name=d["name"], agreed=d["agree"], ip=ip
                ),
            )
        if form.is_valid():
            try:
                quote = run(form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                refusal = services.link_refusal(quote)
        else:
            status = 400
    elif request.method == "POST":
        status = 409 if status == 200 else status
    return _robots(
        render(
            request,
            TEMPLATE,
            {
                "quote": quote,
                "lines": list(quote.lines.all()),
                "company": services.company_settings(),
                "refusal": refusal,
                "pdf_allowed": _pdf_allowed(quote),
                "accept_form": accept_form,
                "decline_form": decline_form,
            },
            status=status,
        )
    )


def _pdf_allowed(quote):
    return not services.link_expired(quote)


@never_cache
def public_quote_pdf(request, token):
    quote, refused = _quote_or_refusal(request, token)
    if refused:
        return refused
    if not _pdf_allowed(quote):
        return _robots(_refused(request, "Quote expired", services.link_refusal(quote), 410))
    response = HttpResponse(render_quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}-v{quote.version}.pdf"'
    return _robots(response)
