"""Pages of territories: the tree, a territory with its rules and accounts, editing,
and pinning an account by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.selectors import get_account_for_user
from salesproc.view_support import process_required
from salesproc.views import apply_errors
from territories import selectors, services
from territories.forms import (
    PinForm,
    PlanPeriodForm,
    TerritoryForm,
)
from territories.models import Territory

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
