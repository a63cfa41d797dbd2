"""Pages of assignment rules: editing with a preview of what moves, and re-run progress."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render

from salesproc.view_support import process_required
from salesproc.views import apply_errors
from territories import selectors, services
from territories.forms import (
    RuleForm,
)

PROCESS = "territories"


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
