"""The rep's and the manager's pages: quote list, detail, edit, send, revise, approvals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from automation.quotes import selectors, services
from automation.quotes.forms import NoteForm, QuoteForm, QuoteLineFormSet, SendForm
from automation.quotes.models import Quote
from automation.quotes.pdf import render_quote_pdf
from automation.quotes.services import totals as money
from deals.selectors import get_deal_for_user
from salesproc.events import timeline_for
from salesproc.view_support import process_required
from salesproc.views import apply_errors

PAGE_SIZE = 25


def _error_message(request, exc):
    for message in exc.messages:
        messages.error(request, message)


@login_required
@process_required("automation")
def quote_list(request):
    status = request.GET.get("status", "")
    if status not in Quote.Status.values:
        status = ""
    approval = request.GET.get("approval", "")
    if approval not in ("mine", *Quote.Approval.values):
        approval = ""
    search = request.GET.get("q", "").strip()[:100]
    quotes = selectors.quote_list(
        user=request.user, status=status, approval=approval, search=search
    )
    page = Paginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "automation/quotes/quote_list.html",
        {
            "page": page,
            "quotes": page.object_list,
            "status": status,
            "approval": approval,
            "q": search,
            "counts": selectors.status_counts(user=request.user),
            "is_approver": request.user.is_manager or request.user.is_crm_admin,
        },
    )


@login_required
@process_required("automation")
@require_POST
def quote_create(request, deal_id):
    deal = get_deal_for_user(request.user, deal_id)
    try:
        quote = services.quote_create(actor=request.user, deal=deal)
    except ValidationError as exc:
        _error_message(request, exc)
        return redirect(deal.get_absolute_url())
    messages.success(request, f"Quote {quote.label} drafted from the deal's line items.")
    return redirect("automation:quotes:quote_edit", quote.pk)


@login_required
@process_required("automation")
def quote_detail(request, pk):
    quote = selectors.get_quote_for_user(request.user, pk)
    return render(
        request,
        "automation/quotes/quote_detail.html",
        {
            "quote": quote,
            "deal": quote.deal,
            "lines": list(quote.lines.all()),
            "versions": selectors.versions_of(quote),
            "approval_state": services.approval_state(quote),
            "can_approve": services.can_approve(request.user, quote),
            "public_url": services.public_url(quote) if quote.token else "",
            "send_form": SendForm(initial={"to": services.default_recipient(quote)}),
            "note_form": NoteForm(),
            "effective_discount": money.effective_discount(quote),
            "timeline": timeline_for(quote, user=request.user, limit=30),
        },
    )


def _lines_from(formset):
    lines = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        lines.append(
            {
                "description": data["description"],
                "quantity": data["quantity"],
                "unit_price": data["unit_price"],
                "discount_percent": data.get("discount_percent") or 0,
                "product_id": data.get("product_id"),
            }
        )
    return lines


@login_required
@process_required("automation")
def quote_edit(request, pk):
    quote = selectors.get_quote_for_user(request.user, pk)
    if not quote.is_editable:
        messages.error(request, f"{quote.label} is read-only: revise it to make a new version.")
        return redirect(quote.get_absolute_url())
    if request.method == "POST":
        form = QuoteForm(
            request.POST, instance=quote, templates=services.cover_templates_for(request.user)
        )
        formset = QuoteLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            try:
                services.quote_update(
                    actor=request.user,
                    quote=quote,
                    data=form.cleaned_data,
                    lines=_lines_from(formset),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Quote {quote.label} saved.")
                return redirect(quote.get_absolute_url())
        status = 400
    else:
        form = QuoteForm(instance=quote, templates=services.cover_templates_for(request.user))
        formset = QuoteLineFormSet(prefix="lines", initial=services.lines_of(quote))
        status = 200
    return render(
        request,
        "automation/quotes/quote_form.html",
        {"quote": quote, "deal": quote.deal, "form": form, "formset": formset},
        status=status,
    )


@login_required
@process_required("automation")
def quote_pdf(request, pk):
    quote = selectors.get_quote_for_user(request.user, pk)
    response = HttpResponse(render_quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}-v{quote.version}.pdf"'
    return response


@login_required
@process_required("automation")
def quote_send(request, pk):
    quote = selectors.get_quote_for_user(request.user, pk)
    form = SendForm(request.POST or None, initial={"to": services.default_recipient(quote)})
    if request.method == "POST" and form.is_valid():
        try:
            services.quote_send(
                actor=request.user,
                quote=quote,
                to=form.cleaned_data["to"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Quote {quote.label} sent to {form.cleaned_data['to']}.")
            return redirect(quote.get_absolute_url())
    return render(
        request,
        "automation/quotes/quote_send.html",
        {
            "quote": quote,
            "deal": quote.deal,
            "form": form,
            "approval_state": services.approval_state(quote),
        },
        status=400 if request.method == "POST" else 200,
    )


def _action(request, pk, run, success):
    quote = selectors.get_quote_for_user(request.user, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        result = run(actor=request.user, quote=quote, note=note)
    except ValidationError as exc:
        _error_message(request, exc)
        return redirect(quote.get_absolute_url())
    messages.success(request, success.format(label=result.label))
    return redirect(result.get_absolute_url())


@login_required
@process_required("automation")
@require_POST
def quote_revise(request, pk):
    return _action(
        request,
        pk,
        lambda *, actor, quote, note: services.quote_revise(actor=actor, quote=quote),
        "Version {label} made: edit it, then send it.",
    )


@login_required
@process_required("automation")
@require_POST
def quote_request_approval(request, pk):
    return _action(request, pk, services.quote_request_approval, "Approval of {label} requested.")


@login_required
@process_required("automation")
@require_POST
def quote_approve(request, pk):
    return _action(request, pk, services.quote_approve, "Discount on {label} approved.")


@login_required
@process_required("automation")
@require_POST
def quote_reject(request, pk):
    return _action(request, pk, services.quote_reject, "Discount on {label} rejected.")
