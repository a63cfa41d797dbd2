"""Pages of leads: list, detail, create, edit, delete, accept intake changes, convert."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from deals.services import default_pipeline, first_open_stage
from leads import selectors, services
from leads.exports import LEAD_COLUMNS
from leads.forms import ConvertForm, LeadForm
from leads.intake import selectors as intake_selectors
from leads.intake import services as intake
from leads.intake.values import FIELD_LABELS
from leads.models import Lead
from salesproc.events import timeline_for
from salesproc.exports import export_queryset, wants_csv
from salesproc.models import users_visible_to
from salesproc.paginator import CountingPaginator as Paginator
from salesproc.registry import panels_for
from salesproc.saved_views.selectors import default_view_redirect
from salesproc.view_support import process_required
from salesproc.views import apply_errors, int_or_none

PAGE_SIZE = 25


@login_required
@process_required("leads")
def lead_list(request):
    to_default = default_view_redirect(request, "leads")
    if to_default is not None:
        return to_default
    params = request.GET
    min_score = int_or_none(params.get("min_score"))
    qs = selectors.lead_list(
        user=request.user,
        search=params.get("q", "").strip(),
        status=params.get("status", selectors.OPEN),
        owner=int_or_none(params.get("owner")),
        source=params.get("source", ""),
        min_score=min_score,
        ordering=params.get("sort", selectors.DEFAULT_LEAD_ORDERING),
    )
    if wants_csv(request):
        return export_queryset(qs, LEAD_COLUMNS, filename="leads")
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    context = {
        "page": page,
        "statuses": Lead.Status.choices,
        "status": params.get("status", selectors.OPEN),
        "owners": users_visible_to(request.user),
        "sources": selectors.lead_sources(user=request.user),
        "min_score": min_score,
    }
    template = "leads/_lead_table.html" if request.htmx else "leads/lead_list.html"
    return render(request, template, context)


@login_required
@process_required("leads")
def lead_detail(request, pk):
    lead = selectors.get_lead_for_user(
        request.user,
        pk,
        queryset=Lead.objects.select_related(
            "owner",
            "converted_account",
            "converted_contact",
            "converted_deal",
            "disqualification_reason",
        ),
    )
    history = list(selectors.qualification_history(lead))
    working = selectors.working_qualification(lead)
    return render(
        request,
        "leads/lead_detail.html",
        {
            "lead": lead,
            "latest": working or (history[0] if history else None),
            "history": history,
            "timeline": timeline_for(lead, user=request.user),
            "offered_changes": intake_selectors.pending_changes_for(lead),
            "field_labels": FIELD_LABELS,
            "panels": panels_for(request, lead),
        },
    )


SUGGESTED_SOURCES = ["cold call", "event", "partner", "referral", "web"]


def _form_sources(user):
    return sorted(set(selectors.lead_sources(user=user)) | set(SUGGESTED_SOURCES))


@login_required
@process_required("leads")
def lead_create(request):
    form = LeadForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner = data.pop("owner")
        try:
            lead = services.lead_create(actor=request.user, data=data, owner=owner)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Lead “{lead.full_name}” created.")
            return redirect(lead)
    return render(
        request,
        "leads/lead_form.html",
        {"form": form, "sources": _form_sources(request.user)},
    )


@login_required
@process_required("leads")
def lead_edit(request, pk):
    lead = selectors.get_lead_for_user(request.user, pk)
    form = LeadForm(request.POST or None, instance=lead, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The form's model validation writes into the instance; give the service a fresh one.
        fresh = Lead.objects.select_related("owner").get(pk=lead.pk)
        try:
            services.lead_update(actor=request.user, lead=fresh, data=dict(form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Lead saved.")
            return redirect(fresh)
    return render(
        request,
        "leads/lead_form.html",
        {"form": form, "lead": lead, "sources": _form_sources(request.user)},
    )


@login_required
@process_required("leads")
def lead_delete(request, pk):
    lead = selectors.get_lead_for_user(request.user, pk)
    if request.method == "POST":
        name = lead.full_name
        try:
            services.lead_delete(actor=request.user, lead=lead)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(lead)
        messages.success(request, f"Lead “{name}” deleted.")
        return redirect("leads:lead_list")
    return render(request, "leads/confirm_delete.html", {"lead": lead})


def visible_lead(request, pk):
    return selectors.get_lead_for_user(request.user, pk)


@login_required
@process_required("leads")
@require_POST
def lead_accept_intake_changes(request, pk, submission_pk):
    """The owner takes what a website submission attached to the lead offers."""
    lead = visible_lead(request, pk)
    try:
        intake.intake_submission_accept_changes(
            actor=request.user, lead=lead, submission_id=submission_pk
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Changes from the intake submission accepted.")
    return redirect(lead)


@login_required
@process_required("leads")
def lead_convert(request, pk):
    lead = selectors.get_lead_for_user(
        request.user,
        pk,
        queryset=Lead.objects.select_related(
            "owner", "converted_account", "converted_contact", "converted_deal"
        ),
    )
    form = ConvertForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, "Check the deal's amount and date.")
            return redirect("leads:lead_convert", pk=lead.pk)
        try:
            lead = services.lead_convert(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Converted: account {lead.converted_account.name}, contact "
                f"{lead.converted_contact.full_name} and deal {lead.converted_deal.name}.",
            )
            if lead.converted_deal_id and request.user.runs("deals"):
                return redirect(lead.converted_deal)  # the rep works the deal next
        return redirect(lead)
    if lead.status == Lead.Status.CONVERTED:
        return redirect(lead)
    matches = selectors.conversion_matches(lead=lead, user=request.user)
    account, contact = matches.account, matches.contact
    company = account.name if account else (lead.company_name or lead.full_name)
    form.fields["deal_name"].widget.attrs["placeholder"] = f"{company}: new business"
    pipeline = default_pipeline()
    stage = first_open_stage(pipeline) if pipeline else None
    return render(
        request,
        "leads/convert.html",
        {
            "lead": lead,
            "account": account,
            "contact": contact,
            "refusal": matches.refusal,
            "domain": selectors.lead_domain(lead),
            "pipeline": pipeline,
            "stage": stage,
            "form": form,
        },
    )
