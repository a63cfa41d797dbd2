"""The rule list, the editor (create and edit), switching on and off, deleting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from automation.workflows import services
from automation.workflows.forms import (
    RuleForm,
    action_rows,
    builder_context,
    condition_rows,
    condition_text,
    posted_actions,
    posted_conditions,
)
from automation.workflows.models import WorkflowRule, WorkflowRun
from salesproc.view_support import admin_required


@login_required
@admin_required
def rule_list(request):
    rules = WorkflowRule.objects.select_related("owner").annotate(
        run_count=Count("runs"),
        failed_count=Count("runs", filter=Q(runs__status=WorkflowRun.Status.FAILED)),
        last_run_at=Max("runs__created_at"),
    )
    return render(request, "automation/workflows/rule_list.html", {"rules": rules})


def _edit(request, rule=None):
    if request.method == "POST":
        form = RuleForm(request.POST)
        conditions = condition_rows(request.POST)
        actions = action_rows(request.POST)
        if "refresh" not in request.POST and form.is_valid():
            data = {
                **form.cleaned_data,
                "conditions": posted_conditions(conditions),
                "actions": posted_actions(actions),
            }
            try:
                if rule is None:
                    rule = services.rule_create(actor=request.user, data=data)
                    messages.success(request, f"Rule “{rule.name}” created.")
                else:
                    rule = services.rule_update(actor=request.user, rule=rule, data=data)
                    messages.success(request, f"Rule “{rule.name}” saved (version {rule.version}).")
                return redirect(rule.get_absolute_url())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    if field in form.fields:
                        for error in errors:
                            form.add_error(field, error)
                    else:
                        form.add_error(None, f"{field.capitalize()}: " + " ".join(errors))
    elif rule is not None:
        form = RuleForm(initial=services.snapshot(rule))
        conditions = condition_rows(conditions=rule.conditions)
        actions = action_rows(actions=rule.actions)
    else:
        form = RuleForm(initial={"match": "all"})
        conditions = condition_rows()
        actions = action_rows()
    return render(
        request,
        "automation/workflows/rule_edit.html",
        {
            "form": form,
            "rule": rule,
            "conditions": conditions,
            "actions": actions,
            **builder_context(),
        },
    )


@login_required
@admin_required
def rule_create(request):
    return _edit(request)


@login_required
@admin_required
def rule_edit(request, pk):
    return _edit(request, get_object_or_404(WorkflowRule, pk=pk))


@login_required
@admin_required
def rule_detail(request, pk):
    rule = get_object_or_404(WorkflowRule.objects.select_related("owner"), pk=pk)
    runs = WorkflowRun.objects.filter(rule=rule).select_related("event")[:10]
    return render(
        request,
        "automation/workflows/rule_detail.html",
        {
            "rule": rule,
            "runs": runs,
            "conditions": [condition_text(c) for c in rule.conditions],
            "actions": action_rows(actions=rule.actions)[: len(rule.actions)],
        },
    )


@login_required
@admin_required
@require_POST
def rule_toggle(request, pk):
    rule = get_object_or_404(WorkflowRule, pk=pk)
    active = request.POST.get("active") == "on"
    try:
        rule = services.rule_set_active(actor=request.user, rule=rule, active=active)
    except ValidationError as exc:
        messages.error(request, "This rule cannot be switched on: " + " ".join(exc.messages))
    else:
        messages.success(request, f"“{rule.name}” is switched {'on' if rule.active else 'off'}.")
    return redirect(
        request.POST.get("next") == "list"
        and "automation:workflows:rule_list"
        or rule.get_absolute_url()
    )


@login_required
@admin_required
@require_POST
def rule_delete(request, pk):
    rule = get_object_or_404(WorkflowRule, pk=pk)
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, f"Rule “{rule.name}” deleted.")
    return redirect("automation:workflows:rule_list")
