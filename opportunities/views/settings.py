"""Settings -> Opportunity plan: prompts, catalogues, stage rules and numbers (admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from deals.models import Stage
from opportunities import selectors, services
from opportunities.forms import (
    CompetitorForm,
    PlanSettingsForm,
    PromptForm,
    ReasonForm,
    StrategyForm,
)
from opportunities.models import (
    Competitor,
    PlanPrompt,
    PlanPromptVersion,
    StageRule,
    WinLossReason,
    WinStrategy,
)
from salesproc.view_support import admin_required
from salesproc.views import apply_errors


def _save(request, form, create, update, instance_kwarg, model, success):
    try:
        if form.instance.pk:
            update(
                actor=request.user,
                data=form.cleaned_data,
                **{instance_kwarg: model.objects.get(pk=form.instance.pk)},
            )
        else:
            create(actor=request.user, data=form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, success)
    return True


@login_required
@admin_required
def settings_index(request):
    stages = (
        Stage.objects.filter(kind=Stage.Kind.OPEN)
        .select_related("pipeline")
        .order_by("pipeline__order", "pipeline__name", "order")
    )
    gated = set(
        StageRule.objects.filter(requires_complete_plan=True).values_list("stage_id", flat=True)
    )
    current = selectors.plan_settings()
    numbers_form = PlanSettingsForm(instance=current)
    prompt_form = PromptForm(initial={"section": PlanPrompt.Section.EXTRA})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "numbers":
            numbers_form = PlanSettingsForm(request.POST, instance=selectors.plan_settings())
            if numbers_form.is_valid():
                try:
                    services.plan_settings_update(
                        actor=request.user, data=numbers_form.cleaned_data
                    )
                except ValidationError as exc:
                    apply_errors(numbers_form, exc)
                else:
                    messages.success(request, "Settings saved.")
                    return redirect("opportunities:settings")
        elif action == "gates":
            wanted = {int(v) for v in request.POST.getlist("gated") if v.isdigit()}
            for stage in stages:
                if (stage.pk in wanted) != (stage.pk in gated):
                    services.stage_rule_set(
                        actor=request.user, stage=stage, requires_complete_plan=stage.pk in wanted
                    )
            messages.success(request, "Stage gates saved.")
            return redirect("opportunities:settings")
        elif action == "prompt":
            prompt_form = PromptForm(request.POST)
            if prompt_form.is_valid():
                data = prompt_form.cleaned_data
                try:
                    services.prompt_create(
                        actor=request.user,
                        section=data["section"],
                        text=data["text"],
                        order=data["order"] or 0,
                    )
                except ValidationError as exc:
                    apply_errors(prompt_form, exc)
                else:
                    messages.success(request, "Question added: new plans ask it.")
                    return redirect("opportunities:settings")
        status = 400
    return render(
        request,
        "opportunities/settings.html",
        {
            "prompts": PlanPrompt.objects.order_by("order", "id"),
            "version": PlanPromptVersion.objects.order_by("-number").first(),
            "prompt_form": prompt_form,
            "numbers_form": numbers_form,
            "stages": stages,
            "gated": gated,
            "competitors": Competitor.objects.all(),
            "strategies": WinStrategy.objects.all(),
            "reasons": WinLossReason.objects.all(),
        },
        status=status,
    )


@login_required
@admin_required
def prompt_edit(request, pk):
    prompt = get_object_or_404(PlanPrompt, pk=pk)
    form = PromptForm(request.POST or None, instance=prompt)
    form.fields["section"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.prompt_update(
                actor=request.user,
                prompt=PlanPrompt.objects.get(pk=pk),
                text=data["text"],
                order=data["order"] or 0,
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Question saved; existing plans keep the wording they were written against.",
            )
            return redirect("opportunities:settings")
    return render(
        request,
        "opportunities/settings_edit.html",
        {"form": form, "title": "Plan question", "status": 400 if form.errors else 200},
        status=400 if form.errors else 200,
    )


CATALOGUES = {
    "competitors": (
        CompetitorForm,
        Competitor,
        services.competitor_create,
        services.competitor_update,
        "competitor",
        "Competitor",
    ),
    "strategies": (
        StrategyForm,
        WinStrategy,
        services.strategy_create,
        services.strategy_update,
        "strategy",
        "Win strategy",
    ),
    "reasons": (
        ReasonForm,
        WinLossReason,
        services.reason_create,
        services.reason_update,
        "reason",
        "Win/loss reason",
    ),
}


@login_required
@admin_required
def catalogue_edit(request, kind, pk=None):
    if kind not in CATALOGUES:
        raise Http404("No such list")
    form_class, model, create, update, kwarg, label = CATALOGUES[kind]
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(request, form, create, update, kwarg, model, f"{label} saved.")
    ):
        return redirect("opportunities:settings")
    status = 400 if form.errors else 200
    return render(
        request,
        "opportunities/settings_edit.html",
        {"form": form, "title": f"{label}{': ' + str(instance) if instance else ' (new)'}"},
        status=status,
    )
