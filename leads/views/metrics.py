"""The lead qualification metrics page for managers."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from leads import selectors
from salesproc import charts
from salesproc.view_support import manager_required, process_required


@login_required
@process_required("leads")
@manager_required
def metrics(request):
    figures = selectors.qualification_metrics(
        user=request.user, period=request.GET.get("period", selectors.DEFAULT_PERIOD)
    )
    monthly = figures["monthly"]
    labels = [row["month"].strftime("%b %Y") for row in monthly]
    return render(
        request,
        "leads/metrics.html",
        {
            **figures,
            "periods": [
                ("30", "30 days"),
                ("90", "90 days"),
                ("180", "6 months"),
                ("365", "12 months"),
                ("all", "All time"),
            ],
            "status_chart": charts.bar_chart(figures["by_status"], title="Leads by status"),
            "source_chart": charts.bar_chart(
                [(row["source"], row["total"]) for row in figures["by_source"]],
                title="Leads by source",
            ),
            "conversion_chart": charts.bar_chart(
                [
                    (row["source"], round(100 * (row["conversion_rate"] or 0)))
                    for row in figures["by_source"]
                ],
                title="Conversion by source (%)",
                max_value=100,
                value_format=lambda v: f"{v:.0f}%",
            ),
            "reason_chart": charts.bar_chart(
                [(row["name"], row["count"]) for row in figures["reasons"]],
                title="Disqualification reasons",
            ),
            "monthly_chart": charts.line_chart(
                [
                    ("Created", [row["created"] for row in monthly]),
                    ("Qualified", [row["qualified"] for row in monthly]),
                    ("Converted", [row["converted"] for row in monthly]),
                ],
                labels,
                title="Leads per month",
            ),
        },
    )
