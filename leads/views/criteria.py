"""The qualification criteria admin pages (criteria, thresholds, presets, reasons, versions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leads import selectors, services
from leads.forms import CriterionForm, ReasonForm, ThresholdsForm
from leads.models import CriteriaVersion, Criterion, DisqualificationReason
from leads.presets import PRESETS
from salesproc.view_support import admin_required
from salesproc.views import apply_errors


@login_required
@admin_required
def criteria_admin(request):
    version = selectors.current_version()
    criteria = list(selectors.live_criteria())
    total_weight = sum(c.weight for c in criteria)
    in_force = selectors.criteria_of(version)
    specs = in_force.by_id()
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
                    "qualify_at": in_force.qualify_at,
                    "disqualify_below": in_force.disqualify_below,
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
