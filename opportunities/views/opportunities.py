"""The Opportunities page and the competitors' battlecards."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from opportunities import analysis, selectors
from opportunities.models import Competitor
from salesproc.models import users_visible_to
from salesproc.view_support import process_required

from .common import PROCESS


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
