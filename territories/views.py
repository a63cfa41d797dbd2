"""Pages of territory management: the territory tree, a territory with its rules and
accounts, rule editing with a preview, re-run progress, pins and the admin setting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.selectors import get_account_for_user
from salesproc.models import users_visible_to
from salesproc.view_support import admin_required, manager_required, process_required
from salesproc.views import apply_errors

from . import selectors, services
from .coverage import selectors as coverage_selectors
from .forms import (
    AcceptWeeksForm,
    BaseForm,
    OverrideForm,
    PinForm,
    PlanPeriodForm,
    PlanReviewForm,
    PlanWeeksForm,
    RuleForm,
    SettingsForm,
    TerritoryForm,
    TierModeForm,
    TierPolicyForm,
)
from .models import CallPattern, RepBase, Territory, TerritorySettings
from .patterns import selectors as pattern_selectors
from .patterns import services as pattern_services
from .plans import selectors as plan_selectors
from .plans import services as plan_services
from .potential import selectors as potential_selectors
from .potential import services as potential_services

PAGE_SIZE = 50
PROCESS = "territories"


@login_required
@process_required(PROCESS)
def territory_list(request):
    return render(
        request,
        "territories/territory_list.html",
        {
            "territories": selectors.territory_tree(user=request.user),
            "may_manage": selectors.may_manage_territories(request.user),
        },
    )


@login_required
@process_required(PROCESS)
def territory_detail(request, pk):
    territory = selectors.get_territory_for_user(request.user, pk)
    may_edit = selectors.territory_is_editable(request.user, territory)
    accounts = selectors.territory_accounts(user=request.user, territory=territory)
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/territory_detail.html",
        {
            "territory": territory,
            "may_edit": may_edit,
            "rules": territory.rules.order_by("priority"),
            "children": territory.children.select_related("rep").order_by("name"),
            "page": page,
            "pin_form": PinForm(user=request.user) if may_edit else None,
            "plans": territory.plans.order_by("-period_start")[:12],
            "plan_form": PlanPeriodForm()
            if may_edit or territory.rep_id == request.user.pk
            else None,
            "parent_visible": bool(
                territory.parent_id
                and Territory.objects.visible_to(request.user)
                .filter(pk=territory.parent_id)
                .exists()
            ),
        },
    )


def _territory_form(request, territory=None):
    form = TerritoryForm(
        request.POST or None,
        user=request.user,
        territory=territory,
        initial=(
            {"name": territory.name, "parent": territory.parent_id, "rep": territory.rep_id}
            if territory
            else {}
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if territory is None:
                territory = services.territory_create(actor=request.user, data=form.to_input())
                messages.success(request, f"Territory {territory.name} created.")
            else:
                territory = services.territory_update(
                    actor=request.user, territory=territory, data=form.to_input()
                )
                messages.success(request, f"Territory {territory.name} saved.")
            return redirect(territory)
        except ValidationError as exc:
            apply_errors(form, exc)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "territories/territory_form.html",
        {"form": form, "territory": territory},
        status=status,
    )


@login_required
@process_required(PROCESS)
def territory_create(request):
    if not selectors.may_manage_territories(request.user):
        raise Http404("Page not found")
    return _territory_form(request)


@login_required
@process_required(PROCESS)
@transaction.atomic  # for_write locks the row: PostgreSQL needs a transaction
def territory_edit(request, pk):
    territory = selectors.get_territory_for_user(request.user, pk, for_write=True)
    return _territory_form(request, territory)


@login_required
@process_required(PROCESS)
@require_POST
@transaction.atomic  # for_write locks the row: PostgreSQL needs a transaction
def territory_delete(request, pk):
    territory = selectors.get_territory_for_user(request.user, pk, for_write=True)
    try:
        services.territory_delete(actor=request.user, territory=territory)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(territory)
    messages.success(request, f"Territory {territory.name} deleted.")
    return redirect("territories:territory_list")


def _rule_page(request, *, rule=None, territory=None, delete=False):
    """Edit a rule: "Preview" shows what would move; "Save and apply" re-runs the rules."""
    initial = RuleForm.initial_for(rule) if rule else {}
    if territory is not None:
        initial["territory"] = territory.pk
        initial.setdefault("priority", selectors.next_free_priority())
    form = RuleForm(request.POST or None, user=request.user, initial=initial)
    preview = summary = None
    status = 200
    if request.method == "POST":
        if delete or form.is_valid():
            data = None if delete else form.to_input()
            try:
                if "apply" in request.POST:
                    if delete:
                        run = services.rule_delete(actor=request.user, rule=rule)
                    elif rule is None:
                        rule, run = services.rule_create(actor=request.user, data=data)
                    else:
                        rule, run = services.rule_update(actor=request.user, rule=rule, data=data)
                    return redirect("territories:run_detail", pk=run.pk)
                moves = services.rule_change_preview(
                    actor=request.user, data=data, rule=rule, delete=delete
                )
                preview, summary = selectors.describe_moves(moves, user=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
        else:
            status = 400
    elif delete:
        moves = services.rule_change_preview(actor=request.user, rule=rule, delete=True)
        preview, summary = selectors.describe_moves(moves, user=request.user)
    return render(
        request,
        "territories/rule_form.html",
        {
            "form": form,
            "rule": rule,
            "territory": territory or (rule.territory if rule else None),
            "delete": delete,
            "preview": preview,
            "summary": summary,
        },
        status=status,
    )


@login_required
@process_required(PROCESS)
@transaction.atomic  # for_write locks the row: PostgreSQL needs a transaction
def rule_create(request, pk):
    territory = selectors.get_territory_for_user(request.user, pk, for_write=True)
    return _rule_page(request, territory=territory)


@login_required
@process_required(PROCESS)
@transaction.atomic  # for_write locks the row: PostgreSQL needs a transaction
def rule_edit(request, pk):
    rule = selectors.get_rule_for_user(request.user, pk, for_write=True)
    return _rule_page(request, rule=rule)


@login_required
@process_required(PROCESS)
@transaction.atomic  # for_write locks the row: PostgreSQL needs a transaction
def rule_delete(request, pk):
    rule = selectors.get_rule_for_user(request.user, pk, for_write=True)
    return _rule_page(request, rule=rule, delete=True)


@login_required
@process_required(PROCESS)
def run_detail(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    template = "territories/_run_progress.html" if request.htmx else "territories/run_detail.html"
    return render(request, template, {"run": run})


@login_required
@process_required(PROCESS)
@require_POST
@transaction.atomic  # for_write locks the row: PostgreSQL needs a transaction
def account_pin(request, pk):
    territory = selectors.get_territory_for_user(request.user, pk, for_write=True)
    form = PinForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.account_pin(
                actor=request.user, account=form.cleaned_data["account"], territory=territory
            )
            messages.success(
                request, f"{form.cleaned_data['account'].name} is pinned to {territory.name}."
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose an account you can see.")
    return redirect(territory)


@login_required
@process_required(PROCESS)
@require_POST
def account_unpin(request, pk):
    account = get_account_for_user(request.user, pk)
    try:
        services.account_unpin(actor=request.user, account=account)
        messages.success(request, f"The rules decide {account.name}'s territory again.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(account)


@login_required
@admin_required
def territory_settings(request):
    current = TerritorySettings.current()
    form = SettingsForm(
        request.POST or None, initial={"owner_follows_rep": current.owner_follows_rep}
    )
    if request.method == "POST" and form.is_valid():
        services.territory_settings_update(
            actor=request.user, owner_follows_rep=form.cleaned_data["owner_follows_rep"]
        )
        messages.success(request, "Territory settings saved.")
        return redirect("territories:settings")
    return render(request, "territories/settings.html", {"form": form})


@login_required
@process_required(PROCESS)
@require_POST
def potential_override(request, pk):
    account = get_account_for_user(request.user, pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        value = None if "remove" in request.POST else form.cleaned_data["value"]
        try:
            if value is None and "remove" not in request.POST:
                raise ValidationError({"value": "Enter the potential, or remove the override."})
            potential_services.potential_override_set(
                actor=request.user,
                account=account,
                value=value,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "Potential saved.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Enter the potential as an amount of 0 or more.")
    return redirect(account)


@login_required
@admin_required
def tier_policies(request):
    """Tier policies ("what attention does each deserve?") and how tiers are decided."""
    current = potential_selectors.policies()
    mode_form = TierModeForm(
        request.POST or None, initial={"tier_mode": TerritorySettings.current().tier_mode}
    )
    forms_by_tier = [
        (
            policy,
            TierPolicyForm(
                request.POST or None,
                prefix=policy.tier,
                initial={field: getattr(policy, field) for field in TierPolicyForm.base_fields},
            ),
        )
        for policy in current
    ]
    status = 200
    if request.method == "POST":
        valid = mode_form.is_valid() and all(form.is_valid() for _policy, form in forms_by_tier)
        if valid and _save_tier_policies(request.user, mode_form, forms_by_tier):
            messages.success(request, "Tier policies saved.")
            return redirect("territories:tier_policies")
        status = 400
    return render(
        request,
        "territories/tier_policies.html",
        {"mode_form": mode_form, "forms_by_tier": forms_by_tier},
        status=status,
    )


def _save_tier_policies(actor, mode_form, forms_by_tier) -> bool:
    """All four policies and the mode, or none: a refused one shows on its own form."""
    try:
        with transaction.atomic():
            potential_services.tier_mode_set(actor=actor, mode=mode_form.cleaned_data["tier_mode"])
            for policy, form in forms_by_tier:
                try:
                    potential_services.tier_policy_update(
                        actor=actor, tier=policy.tier, **form.cleaned_data
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                    raise
    except ValidationError:
        return False
    return True


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


@login_required
@process_required(PROCESS)
def coverage_report(request):
    """Coverage per territory and per rep, with the map."""
    try:
        territories = coverage_selectors.coverage_scope(
            user=request.user,
            territory_id=request.GET.get("territory"),
            rep_id=request.GET.get("rep"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("territories:coverage")
    return render(
        request,
        "territories/coverage.html",
        {
            "territories": territories,
            "all_territories": Territory.objects.visible_to(request.user).order_by("name"),
            "reps": users_visible_to(request.user).filter(territories__isnull=False).distinct(),
            "selected_territory": request.GET.get("territory", ""),
            "selected_rep": request.GET.get("rep", ""),
            "report": coverage_selectors.coverage(user=request.user, territories=territories)
            if territories
            else None,
            "map": coverage_selectors.coverage_map(user=request.user, territories=territories)
            if territories
            else None,
        },
    )


@login_required
@process_required(PROCESS)
@manager_required
def territory_balance(request):
    return render(
        request,
        "territories/balance.html",
        {"rows": coverage_selectors.territory_balance(user=request.user)},
    )


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
    minimum = {p.tier: p.visits_per_period for p in potential_selectors.policies()}
    return render(
        request,
        "territories/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "errors": errors,
            "questions": settings_row,
            "targets": [
                (tier, plan.tier_targets.get(tier, minimum.get(tier, 0)), minimum.get(tier, 0))
                for tier in sorted(minimum)
            ],
            "editable": plan.status in plan_services.EDITABLE
            and plan_services.may_write(request.user, plan.territory),
            "may_review": plan.status == plan.Status.SUBMITTED
            and plan_services.may_review(request.user, plan),
            "review_form": PlanReviewForm(),
        },
        status=status,
    )
