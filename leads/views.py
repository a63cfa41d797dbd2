from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from salesproc import charts
from salesproc.events import timeline_for
from salesproc.models import users_visible_to
from salesproc.registry import panels_for
from salesproc.view_support import admin_required, manager_required, process_required
from salesproc.views import apply_errors, int_or_none

from . import scoring, selectors, services
from .forms import ConvertForm, CriterionForm, LeadForm, ReasonForm, ThresholdsForm
from .intake import selectors as intake_selectors
from .intake import services as intake
from .intake.values import FIELD_LABELS
from .models import CriteriaVersion, Criterion, DisqualificationReason, Lead, Qualification
from .presets import PRESETS

PAGE_SIZE = 25


# -- list, detail, forms ------------------------------------------------------------


@login_required
@process_required("leads")
def lead_list(request):
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


# -- qualification ------------------------------------------------------------------


def _answers_from_post(criteria, post):
    """({id: value}, {id: message}) from answer-<id> fields of the qualification form."""
    answers, errors = {}, {}
    for spec in criteria:
        raw = post.get(f"answer-{spec.id}")
        if raw is None:
            continue
        try:
            answers[spec.id] = scoring.parse_form_answer(spec, raw)
        except ValueError as exc:
            errors[spec.id] = str(exc)
    return answers, errors


def _starting_answers(lead, criteria):
    """The answers the form opens with, and which came from profile rules."""
    source = selectors.working_qualification(lead) or selectors.latest_decided_qualification(lead)
    ids = {spec.id for spec in criteria}
    answers, profile = {}, set()
    if source is not None:
        answers = {int(k): v for k, v in source.answers.items() if int(k) in ids}
        profile = {r["criterion"] for r in source.results if r.get("from_profile")} & ids
    rules = scoring.profile_rule_answers(criteria, selectors.lead_fields(lead))
    for criterion_id, value in rules.items():
        if criterion_id not in answers:
            answers[criterion_id] = value
            profile.add(criterion_id)
    return answers, profile


def _qualification_context(*, lead, criteria, answers, profile=(), errors=None, **extra):
    result = scoring.score(criteria, answers, profile=profile)
    statuses = {r.criterion: r for r in result.results}
    rows = [
        {
            "spec": spec,
            "value": answers.get(spec.id),
            "result": statuses[spec.id],
            "error": (errors or {}).get(spec.id),
        }
        for spec in criteria
    ]
    return {
        "lead": lead,
        "criteria": criteria,
        "rows": rows,
        "result": result,
        "reasons": selectors.active_reasons(),
        "errors": errors or {},
        **extra,
    }


def _visible_lead(request, pk):
    return selectors.get_lead_for_user(request.user, pk)


def _answered_version(criteria, posted_id):
    """The number of the criteria version the form was answered on (it posts the id)."""
    if not posted_id or posted_id == str(criteria.version_id):
        return criteria.version_number
    number = selectors.version_number_of(posted_id)
    return number if number is not None else 0  # an unknown version: refused as stale


@login_required
@process_required("leads")
def lead_qualify(request, pk):
    """The same questions in the same order for every rep; decisions post here."""
    lead = _visible_lead(request, pk)
    criteria = selectors.current_criteria()
    if request.method != "POST":
        answers, profile = _starting_answers(lead, criteria)
        return render(
            request,
            "leads/qualify.html",
            _qualification_context(lead=lead, criteria=criteria, answers=answers, profile=profile),
        )
    answers, errors = _answers_from_post(criteria, request.POST)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    reason_id = request.POST.get("reason", "")
    extra = {"note": note, "reason_id": reason_id}
    answered_version = _answered_version(criteria, request.POST.get("version"))
    if action not in ("qualify", "confirm", "keep_working", "disqualify"):
        errors = errors or {"__action__": True}
    if not errors:
        try:
            if action in ("qualify", "confirm"):
                qualification = services.lead_qualify(
                    actor=request.user,
                    lead=lead,
                    answers=answers,
                    confirm=action == "confirm",
                    note=note,
                    answered_version=answered_version,
                )
            elif action == "keep_working":
                qualification = services.lead_keep_working(
                    actor=request.user,
                    lead=lead,
                    answers=answers,
                    note=note,
                    answered_version=answered_version,
                )
            else:
                qualification = services.lead_disqualify(
                    actor=request.user,
                    lead=lead,
                    reason=reason_id,
                    answers=answers,
                    note=note,
                    answered_version=answered_version,
                )
        except ValidationError as exc:
            extra["service_errors"] = (
                exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            )
        else:
            decision = qualification.decision
            if decision == Qualification.Decision.QUALIFIED:
                messages.success(request, f"Qualified with a score of {qualification.score}.")
            elif decision == Qualification.Decision.DISQUALIFIED:
                messages.success(
                    request, f"Disqualified: {qualification.disqualification_reason.name}."
                )
            elif action == "qualify":
                messages.warning(
                    request,
                    f"Not qualified yet: score {qualification.score} with the suggestion "
                    f"“{qualification.get_verdict_display().lower()}”. Answers saved; "
                    "use “Qualify anyway” to override.",
                )
            else:
                messages.success(request, "Answers saved; the lead stays in your working list.")
            return redirect(lead)
    context = _qualification_context(
        lead=lead,
        criteria=criteria,
        answers=answers,
        errors={k: v for k, v in errors.items() if isinstance(k, int)},
        **extra,
    )
    return render(request, "leads/qualify.html", context, status=400)


@login_required
@process_required("leads")
@require_POST
def lead_qualify_preview(request, pk):
    """htmx: score the answers on the form as they change. Writes nothing."""
    lead = _visible_lead(request, pk)
    criteria = selectors.current_criteria()
    answers, errors = _answers_from_post(criteria, request.POST)
    profile = {int_or_none(p) for p in request.POST.getlist("profile")}
    profile = {
        p
        for p in profile
        if p is not None
        and request.POST.get(f"profile-value-{p}") == str(request.POST.get(f"answer-{p}"))
    }
    context = _qualification_context(
        lead=lead,
        criteria=criteria,
        answers=answers,
        profile=profile,
        errors=errors,
        reason_id=request.POST.get("reason", ""),
        oob=True,
    )
    return render(request, "leads/_qualification_result.html", context)


@login_required
@process_required("leads")
@require_POST
def lead_accept_intake_changes(request, pk, submission_pk):
    """The owner takes what a website submission attached to the lead offers."""
    lead = _visible_lead(request, pk)
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
        return redirect(lead)
    if lead.status == Lead.Status.CONVERTED:
        return redirect(lead)
    matches = selectors.conversion_matches(lead=lead, user=request.user)
    account, contact = matches.account, matches.contact
    company = account.name if account else (lead.company_name or lead.full_name)
    form.fields["deal_name"].widget.attrs["placeholder"] = f"{company}: new business"
    from deals.services import default_pipeline, first_open_stage

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


# -- criteria admin -----------------------------------------------------------------


@login_required
@admin_required
def criteria_admin(request):
    version = selectors.current_version()
    criteria = list(selectors.live_criteria())
    total_weight = sum(c.weight for c in criteria)
    specs = selectors.criteria_of(version).by_id()
    return render(
        request,
        "leads/criteria.html",
        {
            "version": version,
            "criteria": [
                {
                    "criterion": c,
                    "share": (c.weight / total_weight) if total_weight else 0,
                    "rule": specs[c.pk].rule_summary() if c.pk in specs else "",
                }
                for c in criteria
            ],
            "total_weight": total_weight,
            "thresholds_form": ThresholdsForm(
                initial={
                    "qualify_at": version.qualify_at,
                    "disqualify_below": version.disqualify_below,
                }
            ),
            "reason_form": ReasonForm(),
            "reasons": selectors.all_reasons(),
            "presets": [(key, preset["label"]) for key, preset in PRESETS.items()],
            "versions": CriteriaVersion.objects.select_related("created_by").order_by("-number")[
                :10
            ],
        },
    )


@login_required
@admin_required
def criterion_create(request):
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.criterion_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            _criterion_errors(form, exc)
        else:
            messages.success(
                request,
                f"“{criterion.label}” added. Reps see it the next time they qualify a lead.",
            )
            return redirect("leads:criteria")
    return render(request, "leads/criterion_form.html", {"form": form})


def _criterion_errors(form, exc):
    if hasattr(exc, "error_dict") and "choices" in exc.error_dict:
        exc.error_dict["choices_text"] = exc.error_dict.pop("choices")
    apply_errors(form, exc)


@login_required
@admin_required
def criterion_edit(request, pk):
    criterion = get_object_or_404(Criterion, pk=pk)
    form = CriterionForm(
        request.POST or None, criterion=criterion, initial=CriterionForm.initial_for(criterion)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(
                actor=request.user, criterion=criterion, data=form.service_data()
            )
        except ValidationError as exc:
            _criterion_errors(form, exc)
        else:
            messages.success(request, f"“{criterion.label}” saved as a new criteria version.")
            return redirect("leads:criteria")
    return render(request, "leads/criterion_form.html", {"form": form, "criterion": criterion})


@login_required
@admin_required
@require_POST
def criterion_delete(request, pk):
    criterion = get_object_or_404(Criterion, pk=pk)
    services.criterion_delete(actor=request.user, criterion=criterion)
    messages.success(
        request, f"“{criterion.label}” removed. Past qualifications keep it in their version."
    )
    return redirect("leads:criteria")


@login_required
@admin_required
@require_POST
def criterion_move(request, pk, direction):
    criterion = get_object_or_404(Criterion, pk=pk)
    try:
        services.criterion_move(actor=request.user, criterion=criterion, direction=direction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("leads:criteria")


@login_required
@admin_required
@require_POST
def criteria_thresholds(request):
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        try:
            services.criteria_set_thresholds(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Thresholds saved.")
    else:
        messages.error(request, "Give both thresholds as scores between 0 and 100.")
    return redirect("leads:criteria")


@login_required
@admin_required
@require_POST
def criteria_preset(request):
    try:
        services.criteria_load_preset(actor=request.user, preset=request.POST.get("preset", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Loaded {PRESETS[request.POST['preset']]['label']}. "
            "Past qualifications keep the criteria they were made with.",
        )
    return redirect("leads:criteria")


@login_required
@admin_required
@require_POST
def reason_create(request):
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            reason = services.disqualification_reason_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Reason “{reason.name}” added.")
    else:
        messages.error(request, "Give the reason a name.")
    return redirect("leads:criteria")


@login_required
@admin_required
@require_POST
def reason_toggle(request, pk):
    reason = get_object_or_404(DisqualificationReason, pk=pk)
    services.disqualification_reason_set_active(
        actor=request.user, reason=reason, active=not reason.is_active
    )
    return redirect("leads:criteria")


@login_required
@admin_required
def criteria_version(request, number):
    version = get_object_or_404(CriteriaVersion.objects.select_related("created_by"), number=number)
    return render(
        request,
        "leads/criteria_version.html",
        {"version": version, "criteria": selectors.criteria_of(version)},
    )


# -- metrics ------------------------------------------------------------------------


@login_required
@process_required("leads")
@manager_required
def metrics(request):
    figures = selectors.qualification_metrics(
        user=request.user, period=request.GET.get("period", selectors.DEFAULT_PERIOD)
    )
    monthly = figures["monthly"]
    labels = [row["month"].strftime("%b %Y") for row in monthly]
    return render(
        request,
        "leads/metrics.html",
        {
            **figures,
            "periods": [
                ("30", "30 days"),
                ("90", "90 days"),
                ("180", "6 months"),
                ("365", "12 months"),
                ("all", "All time"),
            ],
            "status_chart": charts.bar_chart(figures["by_status"], title="Leads by status"),
            "source_chart": charts.bar_chart(
                [(row["source"], row["total"]) for row in figures["by_source"]],
                title="Leads by source",
            ),
            "conversion_chart": charts.bar_chart(
                [
                    (row["source"], round(100 * (row["conversion_rate"] or 0)))
                    for row in figures["by_source"]
                ],
                title="Conversion by source (%)",
                max_value=100,
                value_format=lambda v: f"{v:.0f}%",
            ),
            "reason_chart": charts.bar_chart(
                [(row["name"], row["count"]) for row in figures["reasons"]],
                title="Disqualification reasons",
            ),
            "monthly_chart": charts.line_chart(
                [
                    ("Created", [row["created"] for row in monthly]),
                    ("Qualified", [row["qualified"] for row in monthly]),
                    ("Converted", [row["converted"] for row in monthly]),
                ],
                labels,
                title="Leads per month",
            ),
        },
    )
