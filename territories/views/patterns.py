"""Pages of call patterns: "Plan my weeks" and a proposed pattern with its weeks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from salesproc.view_support import process_required
from salesproc.views import apply_errors
from territories.forms import (
    AcceptWeeksForm,
    BaseForm,
    PlanWeeksForm,
)
from territories.models import CallPattern, RepBase
from territories.patterns import selectors as pattern_selectors
from territories.patterns import services as pattern_services

PROCESS = "territories"


@login_required
@process_required(PROCESS)
def pattern_plan(request):
    """ "Plan my weeks": the rep's base, their capacity, and the patterns proposed so far."""
    rep = request.user
    base = RepBase.objects.filter(rep=rep).first()
    base_form = BaseForm(
        request.POST if "save_base" in request.POST else None,
        initial={"label": base.label, "latitude": base.latitude, "longitude": base.longitude}
        if base
        else {},
    )
    plan_form = PlanWeeksForm(request.POST if "plan" in request.POST else None)
    status = 200
    if "save_base" in request.POST and base_form.is_valid():
        try:
            pattern_services.rep_base_set(actor=rep, rep=rep, **base_form.cleaned_data)
            messages.success(request, "Base location saved.")
            return redirect("territories:pattern_plan")
        except ValidationError as exc:
            apply_errors(base_form, exc)
    if "plan" in request.POST and plan_form.is_valid():
        try:
            pattern = pattern_services.call_pattern_generate(
                actor=rep, rep=rep, **plan_form.cleaned_data
            )
            return redirect(pattern)
        except ValidationError as exc:
            apply_errors(plan_form, exc)  # "no base yet" shows above the capacity
    if request.method == "POST":
        status = 400
    return render(
        request,
        "territories/pattern_plan.html",
        {
            "base": base,
            "base_form": base_form,
            "plan_form": plan_form,
            "patterns": CallPattern.objects.visible_to(rep).select_related("rep")[:10],
        },
        status=status,
    )


@login_required
@process_required(PROCESS)
def pattern_detail(request, pk):
    pattern = pattern_selectors.get_call_pattern_for_user(request.user, pk)
    form = AcceptWeeksForm(request.POST or None, pattern=pattern)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = pattern_services.call_pattern_accept(
                    actor=request.user, pattern=pattern, weeks=form.cleaned_data["weeks"]
                )
                messages.success(
                    request,
                    f"{len(created)} call{'s' if len(created) != 1 else ''} planned."
                    if created
                    else "Those weeks were already accepted: nothing more to plan.",
                )
                return redirect(pattern)
            except ValidationError as exc:
                apply_errors(form, exc)
        status = 400
    weeks, tallies = pattern_selectors.pattern_layout(pattern)
    return render(
        request,
        "territories/pattern_detail.html",
        {
            "pattern": pattern,
            "weeks": weeks,
            "tallies": tallies,
            "form": form,
            "uplift": pattern_selectors.uplift_percent(pattern),
            "give_up": pattern.expected_return - pattern.reduced_capacity_return,
            "is_rep": request.user.pk == pattern.rep_id,
        },
        status=status,
    )
