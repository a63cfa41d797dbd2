"""Territory plans: create one for a period, answer its questions, submit, review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from salesproc.view_support import process_required
from territories import selectors
from territories.forms import (
    PlanPeriodForm,
    PlanReviewForm,
)
from territories.models import TerritorySettings
from territories.plans import selectors as plan_selectors
from territories.plans import services as plan_services
from territories.potential import selectors as potential_selectors

PROCESS = "territories"


@login_required
@process_required(PROCESS)
@require_POST
def plan_create(request, pk):
    territory = selectors.get_territory_for_user(request.user, pk)
    form = PlanPeriodForm(request.POST)
    if form.is_valid():
        try:
            plan = plan_services.territory_plan_create(
                actor=request.user, territory=territory, **form.cleaned_data
            )
            return redirect(plan)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Give the plan's first and last day.")
    return redirect(territory)


def _plan_answers(request, plan, rows):
    """The plan page's POST shaped for the service: notes, tier targets, service text."""
    notes = {row.account_id: request.POST.get(f"note-{row.account_id}", row.note) for row in rows}
    targets = {}
    for tier in plan.tier_targets:
        value = request.POST.get(f"target-{tier}", "")
        try:
            targets[tier] = int(value)
        except ValueError:
            raise ValidationError({"tier_targets": f"Tier {tier}: enter a whole number."}) from None
    try:
        coverage = int(request.POST.get("coverage_target_percent", plan.coverage_target_percent))
    except ValueError:
        raise ValidationError({"coverage_target_percent": "Enter a whole number."}) from None
    return {
        "notes": notes,
        "tier_targets": targets,
        "service_text": request.POST.get("service_text", ""),
        "coverage_target_percent": coverage,
    }


@login_required
@process_required(PROCESS)
def plan_detail(request, pk):
    plan = plan_selectors.get_territory_plan_for_user(request.user, pk)
    rows = list(plan_selectors.plan_accounts(plan))
    errors = []
    status = 200
    if request.method == "POST":
        try:
            if "review" in request.POST:
                review = PlanReviewForm(request.POST)
                review.is_valid()
                plan_services.territory_plan_review(
                    actor=request.user,
                    plan=plan,
                    approve=request.POST["review"] == "approve",
                    comment=review.cleaned_data.get("comment", ""),
                )
                messages.success(request, "Review saved.")
            else:
                with transaction.atomic():
                    plan_services.territory_plan_update(
                        actor=request.user, plan=plan, **_plan_answers(request, plan, rows)
                    )
                    if "submit" in request.POST:
                        plan_services.territory_plan_submit(actor=request.user, plan=plan)
                messages.success(
                    request, "Plan sent for review." if "submit" in request.POST else "Plan saved."
                )
            return redirect(plan)
        except ValidationError as exc:
            errors = exc.messages
            status = 400
    settings_row = TerritorySettings.current()
    limits = {p.tier: plan_services.target_limits(p) for p in potential_selectors.policies()}
    return render(
        request,
        "territories/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "errors": errors,
            "questions": settings_row,
            "targets": [
                (tier, plan.tier_targets.get(tier, low), low, high)
                for tier, (low, high) in sorted(limits.items())
            ],
            "editable": plan.status in plan_services.EDITABLE
            and plan_services.may_write(request.user, plan.territory),
            "may_review": plan.status == plan.Status.SUBMITTED
            and plan_services.may_review(request.user, plan),
            "review_form": PlanReviewForm(),
        },
        status=status,
    )
