from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.selectors import get_account_for_user
from salesproc.errors import StaleVersion
from salesproc.view_support import admin_required
from salesproc.views import apply_errors, int_or_none

from . import selectors, services
from .forms import (
    ActionForm,
    NeedForm,
    PlanAnswersForm,
    PlanCreateForm,
    PlanSettingsForm,
    PromptForm,
    RelationshipForm,
    RequestChangesForm,
    RiskForm,
)
from .models import PlanPrompt, Section


@login_required
def account_plans(request, pk):
    """An account's plans, and starting the plan for a period."""
    account = get_account_for_user(request.user, pk)
    form = PlanCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = services.account_plan_create(
                    actor=request.user, account=account, period=form.cleaned_data["period"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Account plan {plan.period} started.")
                return redirect(plan)
        status = 400
    return render(
        request,
        "accounts/plans/plan_list.html",
        {
            "account": account,
            "plans": selectors.plans_for_account(account=account),
            "form": form,
            "may_edit": selectors.may_edit_plan(request.user, account),
        },
        status=status,
    )


def _page(request, plan, *, status=200, **forms):
    account = plan.account
    may_edit = selectors.may_edit_plan(request.user, account)
    settings = selectors.plan_settings()
    answers_form = forms.get("answers_form") or PlanAnswersForm(plan=plan)
    context = {
        "plan": plan,
        "account": account,
        "may_edit": may_edit,
        "may_approve": selectors.may_approve_plan(request.user, account),
        "plan_status": selectors.plan_status_for(
            plan, today=timezone.localdate(), review_interval_days=settings.review_interval_days
        ),
        "sections": [
            (value, label, answers_form.section_fields(value)) for value, label in Section.choices
        ],
        "answers_form": answers_form,
        "need_form": forms.get("need_form") or NeedForm(),
        "action_form": forms.get("action_form") or ActionForm(user=request.user, plan=plan),
        "risk_form": forms.get("risk_form") or RiskForm(user=request.user),
        "relationship_form": forms.get("relationship_form")
        or RelationshipForm(user=request.user, plan=plan),
        "changes_form": forms.get("changes_form") or RequestChangesForm(),
        "changes": selectors.changes_since_approval(plan),
        "revenue": selectors.account_revenue_figures(account=account, today=timezone.localdate()),
        "plan_revenue": selectors.plan_revenue(plan),
        "today": timezone.localdate(),
        **selectors.plan_page(plan),
    }
    return render(request, "accounts/plans/plan_detail.html", context, status=status)


@login_required
def plan_detail(request, pk):
    """The plan: answers by section, needs, actions, risks, review. POST saves answers."""
    if request.method != "POST":
        return _page(request, selectors.get_account_plan_for_user(request.user, pk))
    plan = selectors.get_account_plan_for_user(request.user, pk, for_write=True)
    form = PlanAnswersForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.account_plan_update(
                actor=request.user,
                plan=plan,
                version=form.cleaned_data["version"],
                answers=form.answers(),
                retention_target=form.cleaned_data["retention_target"],
                growth_target=form.cleaned_data["growth_target"],
                targets_given=True,
            )
        except StaleVersion:
            form.add_error(
                None, "Someone else saved this plan while you were editing. Reload it first."
            )
            return _page(request, plan, status=409, answers_form=form)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Plan saved.")
            return redirect(plan)
    return _page(request, plan, status=400, answers_form=form)


REVIEW_STEPS = {
    "submit": (services.account_plan_submit, "Plan submitted for approval."),
    "approve": (services.account_plan_approve, "Plan approved."),
}


@login_required
@require_POST
def plan_review(request, pk, step):
    """submit, approve or request-changes."""
    if step not in (*REVIEW_STEPS, "request-changes"):
        raise Http404("No such step.")
    plan = selectors.get_account_plan_for_user(request.user, pk)
    try:
        if step == "request-changes":
            form = RequestChangesForm(request.POST)
            form.is_valid()
            try:
                services.account_plan_request_changes(
                    actor=request.user, plan=plan, comment=form.cleaned_data.get("comment", "")
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                return _page(request, plan, status=400, changes_form=form)
            messages.success(request, "Changes asked for.")
        else:
            service, message = REVIEW_STEPS[step]
            service(actor=request.user, plan=plan)
            messages.success(request, message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _page(request, plan, status=400)
    return redirect(plan)


ITEM_FORMS = {
    "needs": ("need_form", NeedForm, services.NeedInput, services.account_need_save),
    "actions": ("action_form", ActionForm, services.ActionInput, services.account_action_save),
    "risks": ("risk_form", RiskForm, services.RiskInput, services.account_risk_save),
    "relationships": (
        "relationship_form",
        RelationshipForm,
        services.RelationshipInput,
        services.relationship_save,
    ),
}


@login_required
@require_POST
def plan_item_add(request, pk, kind):
    if kind not in ITEM_FORMS:
        raise Http404("No such part of a plan.")
    plan = selectors.get_account_plan_for_user(request.user, pk, for_write=True)
    form_name, form_class, input_class, save = ITEM_FORMS[kind]
    kwargs = {"user": request.user} if kind != "needs" else {}
    if kind in ("actions", "relationships"):
        kwargs["plan"] = plan
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            save(actor=request.user, plan=plan, data=input_class(**form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Added to the plan.")
            return redirect(f"{plan.get_absolute_url()}#{kind}")
    return _page(request, plan, status=400, **{form_name: form})


ITEM_GETTERS = {
    "needs": selectors.get_account_need_for_user,
    "actions": selectors.get_account_action_for_user,
    "risks": selectors.get_account_risk_for_user,
    "relationships": selectors.get_relationship_entry_for_user,
}


@login_required
@require_POST
def plan_item_delete(request, kind, pk):
    if kind not in ITEM_GETTERS:
        raise Http404("No such part of a plan.")
    item = ITEM_GETTERS[kind](request.user, pk, for_write=True)
    plan = item.plan
    services.account_plan_item_delete(actor=request.user, item=item)
    messages.success(request, "Removed from the plan.")
    return redirect(f"{plan.get_absolute_url()}#{kind}")


@login_required
@require_POST
def action_done(request, pk):
    action = selectors.get_account_action_for_user(request.user, pk, for_write=True)
    services.account_action_save(
        actor=request.user,
        plan=action.plan,
        action=action,
        data=services.ActionInput(
            description=action.description,
            owner=action.owner,
            due_date=action.due_date,
            need=action.need,
            status="done",
        ),
    )
    messages.success(request, "Action done.")
    return redirect(f"{action.plan.get_absolute_url()}#actions")


@login_required
@admin_required
def plan_settings_page(request):
    """Settings → Account plan: the review interval, handoff days, and the prompts."""
    settings = selectors.plan_settings()
    prompts = list(PlanPrompt.objects.order_by("order", "id"))
    editing = int_or_none(request.POST.get("prompt") or request.GET.get("edit"))
    settings_form = PlanSettingsForm(
        request.POST if request.POST.get("form") == "settings" else None, instance=settings
    )
    prompt_form = PromptForm(
        request.POST if request.POST.get("form") == "prompt" else None,
        instance=next((p for p in prompts if p.pk == editing), None),
        prefix="prompt",
    )
    if request.method == "POST":
        try:
            if request.POST.get("form") == "settings" and settings_form.is_valid():
                services.plan_settings_update(actor=request.user, **settings_form.cleaned_data)
                messages.success(request, "Account plan settings saved.")
                return redirect("accounts:plan_settings")
            if request.POST.get("form") == "prompt" and prompt_form.is_valid():
                services.plan_prompt_save(
                    actor=request.user,
                    prompt=prompt_form.instance if prompt_form.instance.pk else None,
                    **prompt_form.cleaned_data,
                )
                messages.success(request, "Prompt saved. Plans already started keep their wording.")
                return redirect("accounts:plan_settings")
        except ValidationError as exc:
            apply_errors(
                settings_form if request.POST.get("form") == "settings" else prompt_form, exc
            )
    return render(
        request,
        "accounts/plans/settings.html",
        {
            "settings_form": settings_form,
            "prompt_form": prompt_form,
            "prompts": prompts,
            "editing": editing,
        },
        status=400 if request.method == "POST" else 200,
    )
