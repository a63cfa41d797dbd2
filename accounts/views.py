from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from salesproc.charts import line_chart
from salesproc.events import timeline_for
from salesproc.exports import export_queryset, wants_csv
from salesproc.models import users_visible_to
from salesproc.paginator import CountingPaginator as Paginator
from salesproc.registry import panels_for
from salesproc.saved_views.selectors import default_view_redirect
from salesproc.views import apply_errors, int_or_none

from . import selectors, services
from .exports import ACCOUNT_COLUMNS, CONTACT_COLUMNS
from .forms import AccountForm, ContactForm
from .health.selectors import account_health, health_trend
from .models import Account, Contact

PAGE_SIZE = 25


@login_required
def account_list(request):
    to_default = default_view_redirect(request, "accounts")
    if to_default is not None:
        return to_default
    params = request.GET
    qs = selectors.account_list(
        user=request.user,
        search=params.get("q", "").strip(),
        status=params.get("status", ""),
        industry=params.get("industry", ""),
        owner=int_or_none(params.get("owner")),
        country=params.get("country", ""),
        ordering=params.get("sort", "name"),
    )
    if wants_csv(request):
        return export_queryset(qs, ACCOUNT_COLUMNS, filename="accounts")
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    context = {
        "page": page,
        "statuses": Account.Status.choices,
        "owners": users_visible_to(request.user),
        **selectors.account_filter_options(user=request.user),
    }
    template = "accounts/_account_table.html" if request.htmx else "accounts/account_list.html"
    return render(request, template, context)


def _health_chart(account):
    trend = health_trend(account=account, today=timezone.localdate())
    if len(trend) < 2:
        return ""
    return line_chart(
        [("Health", [row["score"] for row in trend])],
        # every third week named, so the labels do not run into each other on a phone
        [
            row["week"].strftime("%-d %b") if (len(trend) - 1 - n) % 3 == 0 else ""
            for n, row in enumerate(trend)
        ],
        title="Health over the last 13 weeks",
        min_value=0,
        max_value=100,
        height=180,
    )


@login_required
def account_detail(request, pk):
    account = selectors.get_account_for_user(request.user, pk)
    contacts = account.contacts.visible_to(request.user).select_related("owner")
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "account_health": account_health(account=account),
            "health_chart": _health_chart(account) if account.is_managed else "",
            "contacts": contacts,
            "timeline": timeline_for(account, user=request.user),
            "panels": panels_for(request, account),
        },
    )


def _save_form(request, form, create, update=None):
    """Validate a form, call a service, show its errors on the form. Returns the object."""
    if not form.is_valid():
        return None
    data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate"}
    allow = form.cleaned_data.get("confirm_duplicate", False)
    try:
        if update is None:
            return create(actor=request.user, data=data, allow_duplicate=allow)
        return update(data, allow)
    except ValidationError as exc:
        apply_errors(form, exc)
        duplicates = [
            e
            for errs in (getattr(exc, "error_dict", None) or {}).values()
            for e in errs
            if e.code == "duplicate"
        ]
        if duplicates:
            form.show_duplicate_confirm = True
            form.duplicate_links = [
                link for e in duplicates for link in (e.params or {}).get("links", ())
            ]
        return None


@login_required
def account_create(request):
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        account = _save_form(request, form, services.account_create)
        if account:
            messages.success(request, f"Account “{account.name}” created.")
            return redirect(account)
    return render(request, "accounts/account_form.html", {"form": form})


@login_required
def account_edit(request, pk):
    account = selectors.get_account_for_user(request.user, pk)
    form = AccountForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST":
        # The form's model validation writes into the instance; give the service a fresh one.
        fresh = Account.objects.get(pk=account.pk)
        saved = _save_form(
            request,
            form,
            None,
            update=lambda data, allow: services.account_update(
                actor=request.user, account=fresh, data=data, allow_duplicate=allow
            ),
        )
        if saved:
            messages.success(request, "Account saved.")
            return redirect(saved)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


def _confirm_delete(request, obj, *, kind, consequence, blocked="", status=200):
    return render(
        request,
        "accounts/confirm_delete.html",
        {
            "object": obj,
            "kind": kind,
            "cancel_url": obj.get_absolute_url(),
            "consequence": consequence,
            "blocked": blocked,
        },
        status=status,
    )


@login_required
def account_delete(request, pk):
    account = selectors.get_account_for_user(request.user, pk)
    contacts = account.contacts.count()
    consequence = (
        f"Its {contacts} contact{' stays' if contacts == 1 else 's stay'} linked to it while it "
        "is in the bin."
        if contacts
        else ""
    )
    if request.method == "POST":
        try:
            services.account_delete(actor=request.user, account=account)
        except ValidationError as exc:
            return _confirm_delete(
                request,
                account,
                kind="account",
                consequence=consequence,
                blocked=" ".join(exc.messages),
                status=400,
            )
        messages.success(
            request, f"Account “{account.name}” moved to the recycle bin. You can restore it there."
        )
        return redirect("accounts:account_list")
    return _confirm_delete(
        request,
        account,
        kind="account",
        consequence=consequence,
        blocked=services.account_delete_blockers(account=account),
    )


@login_required
def contact_list(request):
    to_default = default_view_redirect(request, "contacts")
    if to_default is not None:
        return to_default
    params = request.GET
    dm = params.get("decision_maker")
    qs = selectors.contact_list(
        user=request.user,
        search=params.get("q", "").strip(),
        account=int_or_none(params.get("account")),
        owner=int_or_none(params.get("owner")),
        decision_maker={"yes": True, "no": False}.get(dm),
        ordering=params.get("sort", "name"),
    )
    if wants_csv(request):
        return export_queryset(qs, CONTACT_COLUMNS, filename="contacts")
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    context = {"page": page, "owners": users_visible_to(request.user)}
    template = "accounts/_contact_table.html" if request.htmx else "accounts/contact_list.html"
    return render(request, template, context)


@login_required
def contact_detail(request, pk):
    contact = selectors.get_contact_for_user(request.user, pk)
    return render(
        request,
        "accounts/contact_detail.html",
        {
            "contact": contact,
            "timeline": timeline_for(contact, user=request.user),
            "panels": panels_for(request, contact),
        },
    )


@login_required
def contact_create(request):
    initial = {}
    account_id = int_or_none(request.GET.get("account"))
    if account_id:
        initial["account"] = account_id
    form = ContactForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        contact = _save_form(request, form, services.contact_create)
        if contact:
            messages.success(request, f"Contact “{contact.full_name}” created.")
            return redirect(contact)
    return render(request, "accounts/contact_form.html", {"form": form})


@login_required
def contact_edit(request, pk):
    contact = selectors.get_contact_for_user(request.user, pk)
    form = ContactForm(request.POST or None, instance=contact, user=request.user)
    if request.method == "POST":
        fresh = Contact.objects.get(pk=contact.pk)
        saved = _save_form(
            request,
            form,
            None,
            update=lambda data, allow: services.contact_update(
                actor=request.user, contact=fresh, data=data, allow_duplicate=allow
            ),
        )
        if saved:
            messages.success(request, "Contact saved.")
            return redirect(saved)
    return render(request, "accounts/contact_form.html", {"form": form, "contact": contact})


@login_required
def contact_delete(request, pk):
    contact = selectors.get_contact_for_user(request.user, pk)
    if request.method == "POST":
        try:
            services.contact_delete(actor=request.user, contact=contact)
        except ValidationError as exc:
            return _confirm_delete(
                request,
                contact,
                kind="contact",
                consequence="",
                blocked=" ".join(exc.messages),
                status=400,
            )
        messages.success(
            request,
            f"Contact “{contact.full_name}” moved to the recycle bin. You can restore it there.",
        )
        return redirect("accounts:contact_list")
    return _confirm_delete(request, contact, kind="contact", consequence="")
