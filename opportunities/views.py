"""HTML pages of opportunity management. Views shape input and call services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.services import contact_create
from deals.models import Stage
from deals.selectors import get_deal_for_user
from salesproc.errors import StaleVersion
from salesproc.models import users_visible_to
from salesproc.view_support import admin_required, process_required
from salesproc.views import apply_errors

from . import analysis, charts, selectors, services
from .forms import (
    ActionItemForm,
    CompetitorForm,
    DealCompetitorForm,
    ManagerNoteForm,
    PlanForm,
    PlanSettingsForm,
    PromptForm,
    ReasonForm,
    ReviewForm,
    StakeholderEditForm,
    StakeholderForm,
    StrategyForm,
)
from .models import (
    Competitor,
    PlanPrompt,
    PlanPromptVersion,
    StageRule,
    WinLossReason,
    WinStrategy,
)

PROCESS = "opportunities"


def _plan_url(deal):
    return redirect("opportunities:plan_edit", deal.pk)


# ---------------------------------------------------------------- plan page


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


# ---------------------------------------------------------------- opportunities page


@login_required
@process_required(PROCESS)
def opportunity_list(request):
    params = request.GET
    owner = None
    owners = users_visible_to(request.user)
    if params.get("owner", "").isdigit():
        owner = owners.filter(pk=int(params["owner"])).first()
    deals = selectors.opportunity_list(
        user=request.user,
        owner=owner,
        plan_status=params.get("plan", ""),
        gap=params.get("gap", ""),
        sort=params.get("sort", ""),
        search=params.get("q", "").strip()[:100],
    )
    totals = selectors.opportunity_totals(deals)
    page = Paginator(deals, 25).get_page(params.get("page"))
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "page": page,
            "totals": totals,
            "owners": owners if (request.user.is_manager or request.user.is_crm_admin) else None,
            "owner": owner,
            "plan_statuses": selectors.PLAN_STATUSES,
            "settings": selectors.plan_settings(),
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- battlecards


@login_required
@process_required(PROCESS)
def battlecard(request, pk):
    competitor = get_object_or_404(Competitor, pk=pk)
    rates = analysis.competitor_win_rates(user=request.user, competitors=[competitor])
    won, n, interval = rates.get(competitor.pk, (0, 0, None))
    return render(
        request,
        "opportunities/battlecard.html",
        {
            "competitor": competitor,
            "won": won,
            "n": n,
            "interval": interval,
            "rate": (won / n) if n else None,
        },
    )


@login_required
@process_required(PROCESS)
def competitor_list(request):
    competitors = list(Competitor.objects.filter(is_active=True))
    rates = analysis.competitor_win_rates(user=request.user, competitors=competitors)
    for c in competitors:
        won, n, interval = rates.get(c.pk, (0, 0, None))
        c.won, c.n, c.interval, c.rate = won, n, interval, (won / n if n else None)
    return render(request, "opportunities/competitor_list.html", {"competitors": competitors})


# ---------------------------------------------------------------- reviews


@login_required
@process_required(PROCESS)
def review_edit(request, pk):
    review = selectors.get_review_for_user(request.user, pk)
    is_owner = review.deal.owner_id == request.user.pk
    may_note = not is_owner and (
        request.user.is_crm_admin or review.deal.owner.team_id in request.user.managed_team_ids
    )
    form = ReviewForm(instance=selectors.get_review_for_user(request.user, pk))
    note_form = ManagerNoteForm(initial={"manager_note": review.manager_note})
    status = 200
    if request.method == "POST" and request.POST.get("action") == "note":
        note_form = ManagerNoteForm(request.POST)
        if note_form.is_valid():
            try:
                services.review_add_note(
                    actor=request.user, review=review, note=note_form.cleaned_data["manager_note"]
                )
            except ValidationError as exc:
                apply_errors(note_form, exc)
            else:
                messages.success(request, "Note added to the review.")
                return redirect("opportunities:review_edit", review.pk)
        status = 400
    elif request.method == "POST":
        form = ReviewForm(request.POST, instance=selectors.get_review_for_user(request.user, pk))
        if form.is_valid():
            try:
                services.review_submit(actor=request.user, review=review, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Review saved. Thank you: the team learns from it.")
                return redirect("opportunities:review_edit", review.pk)
        status = 400
    return render(
        request,
        "opportunities/review_edit.html",
        {
            "review": review,
            "form": form,
            "note_form": note_form,
            "may_note": may_note,
            "may_write": is_owner or may_note,
        },
        status=status,
    )


# ---------------------------------------------------------------- what works


@login_required
@process_required(PROCESS)
def what_works(request):
    from rest_framework.exceptions import ValidationError as DRFValidationError

    from .api import parse_what_works

    try:
        params = parse_what_works(request, request.GET)
        errors = None
    except DRFValidationError as exc:
        errors = exc.detail
        params = parse_what_works(request, {"group_by": "strategy"})
    report = analysis.what_works(user=request.user, **params)
    return render(
        request,
        "opportunities/what_works.html",
        {
            "report": report,
            "params": params,
            "errors": errors,
            "chart": charts.interval_bars(
                report.groups,
                overall=report.overall,
                title=f"Win rate by {analysis.GROUP_BY[report.group_by].lower()}",
            ),
            "group_choices": list(analysis.GROUP_BY.items()),
            "group_label": analysis.GROUP_BY[report.group_by],
            "owners": users_visible_to(request.user)
            if (request.user.is_manager or request.user.is_crm_admin)
            else None,
            "teams": _teams(request.user),
        },
        status=400 if errors else 200,
    )


def _teams(user):
    from salesproc.models import Team

    if user.is_crm_admin:
        return Team.objects.all()
    return Team.objects.filter(pk__in=user.managed_team_ids)


# ---------------------------------------------------------------- settings


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
