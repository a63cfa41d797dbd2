"""The rep's agenda, the list of calls, and the manager's coaching dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from calls import selectors
from calls.exports import CALL_COLUMNS
from calls.models import Call, CallType
from salesproc.charts import bar_chart, line_chart
from salesproc.exports import export_queryset, wants_csv
from salesproc.models import users_visible_to
from salesproc.paginator import CountingPaginator as Paginator
from salesproc.saved_views.selectors import default_view_redirect
from salesproc.view_support import manager_required, process_required
from salesproc.views import int_or_none

PAGE_SIZE = 25


@login_required
@process_required("calls")
def agenda(request):
    return render(
        request,
        "calls/agenda.html",
        {**selectors.agenda(user=request.user), "today_date": timezone.localdate()},
    )


@login_required
@process_required("calls")
def call_list(request):
    to_default = default_view_redirect(request, "calls")
    if to_default is not None:
        return to_default
    params = request.GET
    qs = selectors.call_list(
        user=request.user,
        search=params.get("q", "").strip(),
        status=params.get("status", ""),
        owner=int_or_none(params.get("owner")),
        call_type=int_or_none(params.get("type")),
        channel=params.get("channel", ""),
        period=params.get("period", ""),
        ordering=params.get("sort", "-when"),
    )
    if wants_csv(request):
        return export_queryset(qs, CALL_COLUMNS, filename="calls")
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    context = {
        "page": page,
        "statuses": [*Call.Status.choices, ("to_debrief", "To debrief"), ("to_log", "To log")],
        "channels": Call.Channel.choices,
        "call_types": CallType.objects.all(),
        "owners": users_visible_to(request.user),
    }
    template = "calls/_call_table.html" if request.htmx else "calls/call_list.html"
    return render(request, template, context)


def _short(text, limit=19):
    """Chart labels have room for about 19 characters; the table beside has the rest."""
    text = text.replace("'", "’")  # the chart escapes ' into 6 characters before cutting
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _thin_labels(labels):
    """Every other week's label (and not the last, which the chart's edge would clip)."""
    if len(labels) <= 6:
        return labels
    return [label if i % 2 == 0 and i < len(labels) - 1 else "" for i, label in enumerate(labels)]


@login_required
@process_required("calls")
@manager_required
def coaching(request):
    days = selectors.PERIODS.get(request.GET.get("period", "90"), 90)
    owner = int_or_none(request.GET.get("rep"))
    reps = list(selectors.coaching_reps(user=request.user))
    if owner and owner not in {u.pk for u in reps}:
        owner = None
    figures = selectors.coaching_dashboard(user=request.user, days=days, owner=owner, people=reps)

    return render(
        request,
        "calls/coaching.html",
        {
            **figures,
            "days": days,
            "periods": selectors.PERIODS,
            "reps_to_pick": reps,
            "owner": owner,
            "rating_chart": line_chart(
                figures["rating_series"],
                _thin_labels(figures["week_labels"]),
                title="Average review rating per rep, by week of the call",
                min_value=1,
                max_value=5,
            ),
            "objection_chart": bar_chart(
                [(_short(row["label"]), row["times"]) for row in figures["objections"]],
                title="Objections met most often",
            ),
            "skipped_chart": bar_chart(
                [(_short(row["text"]), row["skipped"]) for row in figures["skipped_questions"]],
                title="Planned questions most often skipped",
            ),
        },
    )
