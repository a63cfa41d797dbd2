"""The opportunity plan pages: the plan, its stakeholders, competitors and next steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.services import contact_create
from deals.selectors import get_deal_for_user
from opportunities import charts, selectors, services
from opportunities.forms import (
    ActionItemForm,
    DealCompetitorForm,
    PlanForm,
    StakeholderEditForm,
    StakeholderForm,
)
from salesproc.errors import StaleVersion
from salesproc.models import users_visible_to
from salesproc.view_support import process_required
from salesproc.views import apply_errors

from .common import PROCESS


def _plan_url(deal):
    return redirect("opportunities:plan_edit", deal.pk)


def _plan_context(request, deal, **forms):
    context = selectors.plan_page(deal=deal)
    plan = context["plan"]
    context.update(
        deal=deal,
        plan_form=forms.get("plan_form")
        or (
            PlanForm(
                instance=plan, initial={"version": plan.version}, prompt_version=plan.prompt_version
            )
            if plan
            else None
        ),
        stakeholder_form=forms.get("stakeholder_form") or StakeholderForm(deal=deal),
        competitor_form=forms.get("competitor_form") or DealCompetitorForm(deal=deal),
        step_form=forms.get("step_form")
        or ActionItemForm(owners=users_visible_to(request.user), initial={"owner": request.user}),
        stakeholder_map=charts.stakeholder_map(context["stakeholders"]),
        owners=users_visible_to(request.user),
    )
    return context


@login_required
@process_required(PROCESS)
def plan_edit(request, deal_id):
    deal = get_deal_for_user(request.user, deal_id)
    plan = selectors.plan_page(deal=deal)["plan"]
    plan_form = None
    if request.method == "POST" and plan is not None:
        plan_form = PlanForm(request.POST, instance=plan, prompt_version=plan.prompt_version)
        if plan_form.is_valid():
            data = {k: plan_form.cleaned_data[k] for k in PlanForm.Meta.fields}
            try:
                services.plan_update(
                    actor=request.user,
                    plan=plan,
                    fields=services.PlanFields(**data, answers=plan_form.answers()),
                    version=plan_form.cleaned_data["version"],
                )
            except StaleVersion as exc:
                messages.error(request, str(exc))
                return _plan_url(deal)
            except ValidationError as exc:
                apply_errors(plan_form, exc)
            else:
                messages.success(request, "Opportunity plan saved.")
                return _plan_url(deal)
        plan = selectors.plan_page(deal=deal)["plan"]
    context = _plan_context(request, deal, plan_form=plan_form)
    return render(
        request,
        "opportunities/plan_edit.html",
        context,
        status=400 if plan_form and plan_form.errors else 200,
    )


@login_required
@process_required(PROCESS)
@require_POST
def plan_start(request, deal_id):
    deal = get_deal_for_user(request.user, deal_id)
    try:
        services.plan_create(actor=request.user, deal=deal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Plan started: answer the questions below.")
    return _plan_url(deal)


@login_required
@process_required(PROCESS)
@require_POST
def stakeholder_add(request, deal_id):
    deal = get_deal_for_user(request.user, deal_id)
    form = StakeholderForm(request.POST, deal=deal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                contact = data["contact"]
                if contact is None:
                    if not (data["new_first_name"] or data["new_last_name"]):
                        raise ValidationError(
                            {"contact": "Pick a contact of the account, or name a new person."}
                        )
                    contact = contact_create(
                        actor=request.user,
                        data={
                            "first_name": data["new_first_name"],
                            "last_name": data["new_last_name"],
                            "job_title": data["new_job_title"],
                            "email": data["new_email"],
                            "account": deal.account,
                            "owner": deal.owner,
                        },
                    )
                services.stakeholder_add(
                    actor=request.user,
                    deal=deal,
                    contact=contact,
                    buying_role=data["buying_role"],
                    stance=data["stance"],
                    influence=data["influence"],
                    cares_about=data["cares_about"],
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{contact.full_name} added to the buying group.")
            return _plan_url(deal)
    context = _plan_context(request, deal, stakeholder_form=form)
    return render(request, "opportunities/plan_edit.html", context, status=400)


@login_required
@process_required(PROCESS)
@require_POST
def stakeholder_edit(request, pk):
    item = selectors.get_stakeholder_for_user(request.user, pk)
    if request.POST.get("action") == "remove":
        _run(request, services.stakeholder_remove, "Stakeholder removed.", stakeholder=item)
        return _plan_url(item.deal)
    form = StakeholderEditForm(
        request.POST, instance=selectors.get_stakeholder_for_user(request.user, pk)
    )
    if form.is_valid():
        _run(
            request,
            services.stakeholder_update,
            "Stakeholder saved.",
            stakeholder=item,
            **form.cleaned_data,
        )
    else:
        messages.error(request, "Check the stakeholder's role, stance and influence.")
    return _plan_url(item.deal)


def _run(request, service, success, **kwargs):
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


@login_required
@process_required(PROCESS)
@require_POST
def competitor_add(request, deal_id):
    deal = get_deal_for_user(request.user, deal_id)
    form = DealCompetitorForm(request.POST, deal=deal)
    if form.is_valid():
        try:
            services.deal_competitor_add(actor=request.user, deal=deal, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['competitor'].name} added.")
            return _plan_url(deal)
    context = _plan_context(request, deal, competitor_form=form)
    return render(request, "opportunities/plan_edit.html", context, status=400)


@login_required
@process_required(PROCESS)
@require_POST
def competitor_edit(request, pk):
    item = selectors.get_deal_competitor_for_user(request.user, pk)
    if request.POST.get("action") == "remove":
        _run(request, services.deal_competitor_remove, "Competitor removed.", deal_competitor=item)
        return _plan_url(item.deal)
    form = DealCompetitorForm(
        request.POST, instance=selectors.get_deal_competitor_for_user(request.user, pk)
    )
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "competitor"}
        _run(
            request,
            services.deal_competitor_update,
            "Competitor saved.",
            deal_competitor=item,
            **data,
        )
    else:
        messages.error(request, "Choose the competitor's status.")
    return _plan_url(item.deal)


@login_required
@process_required(PROCESS)
@require_POST
def step_add(request, deal_id):
    deal = get_deal_for_user(request.user, deal_id)
    form = ActionItemForm(request.POST, owners=users_visible_to(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_item_add(
                actor=request.user,
                deal=deal,
                text=data["text"],
                owner=data["owner"] or request.user,
                due_date=data["due_date"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Next step added.")
            return _plan_url(deal)
    context = _plan_context(request, deal, step_form=form)
    return render(request, "opportunities/plan_edit.html", context, status=400)


@login_required
@process_required(PROCESS)
@require_POST
def step_edit(request, pk):
    item = selectors.get_action_item_for_user(request.user, pk)
    action = request.POST.get("action")
    if action == "remove":
        _run(request, services.action_item_remove, "Next step removed.", item=item)
    else:
        _run(
            request,
            services.action_item_update,
            "Next step done." if action == "done" else "Next step reopened.",
            item=item,
            text=item.text,
            owner=item.owner,
            due_date=item.due_date,
            done=action == "done",
        )
    return _plan_url(item.deal)
