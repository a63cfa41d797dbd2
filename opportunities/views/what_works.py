"""The "what works" analysis page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from opportunities import analysis, charts
from salesproc.models import users_visible_to
from salesproc.view_support import process_required

from .common import PROCESS


@login_required
@process_required(PROCESS)
def what_works(request):
    from rest_framework.exceptions import ValidationError as DRFValidationError

    from opportunities.api.reports import parse_what_works

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
