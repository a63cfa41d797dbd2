"""A rule's history (its versions), run log and run details, and its test."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from automation.workflows import services
from automation.workflows.models import WorkflowRule, WorkflowRun
from salesproc.view_support import admin_required


@login_required
@admin_required
def rule_history(request, pk):
    rule = get_object_or_404(WorkflowRule, pk=pk)
    versions = rule.versions.select_related("saved_by")
    return render(
        request, "automation/workflows/rule_history.html", {"rule": rule, "versions": versions}
    )


@login_required
@admin_required
def rule_runs(request, pk):
    rule = get_object_or_404(WorkflowRule, pk=pk)
    runs = WorkflowRun.objects.filter(rule=rule).select_related("event", "event__content_type")
    status = request.GET.get("status", "")
    if status in WorkflowRun.Status.values:
        runs = runs.filter(status=status)
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "automation/workflows/rule_runs.html",
        {"rule": rule, "page": page, "status": status, "statuses": WorkflowRun.Status.choices},
    )


@login_required
@admin_required
def run_detail(request, pk):
    run = get_object_or_404(WorkflowRun.objects.select_related("rule", "event"), pk=pk)
    return render(
        request,
        "automation/workflows/run_detail.html",
        # The page is for admins; the traceback still only shows to one.
        {"run": run, "rule": run.rule, "show_traceback": request.user.is_crm_admin},
    )


@login_required
@admin_required
def rule_test(request, pk):
    """Pick one of the last 50 events of the trigger and see what the rule would do."""
    rule = get_object_or_404(WorkflowRule, pk=pk)
    recent = list(services.recent_events(rule))
    outcome = error = None
    chosen = request.GET.get("event")
    if chosen:
        try:
            outcome = services.rule_test(actor=request.user, rule=rule, event_id=chosen)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "automation/workflows/rule_test.html",
        {"rule": rule, "recent": recent, "outcome": outcome, "error": error, "chosen": chosen},
    )
