"""Coverage per territory and rep, with the map; territory balance for managers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from salesproc.models import users_visible_to
from salesproc.view_support import manager_required, process_required
from territories.coverage import selectors as coverage_selectors
from territories.models import Territory

PROCESS = "territories"


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
