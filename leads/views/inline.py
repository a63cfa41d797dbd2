"""Inline edit on the lead list: status and owner, through the lead services. Leads carry
no version (unlike deals); the services' own checks decide (a converted lead's status
stays, an owner must be someone the user may give leads to)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from leads import selectors, services
from leads.models import DisqualificationReason, Lead
from salesproc.models import users_visible_to
from salesproc.view_support import process_required
from salesproc.views import int_or_none

FIELDS = {"status": "Status", "owner": "Owner"}


def _choices(lead, field, user):
    if field == "owner":
        return [(str(u.pk), u.display_name) for u in users_visible_to(user)]
    services.disqualification_reasons_ensure_defaults()
    reasons = DisqualificationReason.objects.filter(is_active=True).order_by("name")
    return [
        ("working", "Working"),
        *((f"disqualify:{r.pk}", f"Disqualified: {r.name}") for r in reasons),
    ]


def _lead(request, pk):
    return selectors.get_lead_for_user(
        request.user, pk, queryset=Lead.objects.select_related("owner")
    )


def _form(request, lead, field, *, value, errors=()):
    context = {
        "lead": lead,
        "field": field,
        "label": FIELDS[field],
        "value": value,
        "choices": _choices(lead, field, request.user),
        "errors": errors,
    }
    response = render(request, "leads/_inline_form.html", context)
    if request.method == "POST":
        response["HX-Retarget"] = f"#lead-inline-{lead.pk}-{field}"
        response["HX-Reswap"] = "outerHTML"
    return response


def _row(request, pk):
    lead = selectors.lead_list(user=request.user, status=selectors.ALL).get(pk=pk)
    return render(request, "leads/_lead_row.html", {"lead": lead})


def _save(request, lead, field, raw):
    if field == "owner":
        owner = users_visible_to(request.user).filter(pk=int_or_none(raw)).first()
        if owner is None:
            raise ValidationError({"owner": "Choose someone you work with."})
        services.lead_update(actor=request.user, lead=lead, data={"owner": owner})
    elif raw == "working":
        if lead.status != Lead.Status.WORKING:
            services.lead_keep_working(actor=request.user, lead=lead, answers={})
    elif raw.startswith("disqualify:"):
        services.lead_disqualify(actor=request.user, lead=lead, reason=raw.split(":", 1)[1])
    else:
        raise ValidationError({"status": "Choose one of the statuses offered."})


@login_required
@process_required("leads")
def lead_inline(request, pk, field):
    if field not in FIELDS:
        raise Http404("No such field.")
    lead = _lead(request, pk)
    if request.method != "POST":
        value = str(lead.owner_id) if field == "owner" else lead.status
        return _form(request, lead, field, value=value)
    raw = (request.POST.get("value") or "").strip()
    try:
        _save(request, lead, field, raw)
    except ValidationError as exc:
        return _form(request, lead, field, value=raw, errors=exc.messages)
    return _row(request, pk)


@login_required
@process_required("leads")
def lead_inline_view(request, pk):
    _lead(request, pk)
    return _row(request, pk)
