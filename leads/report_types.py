"""The lead qualification metrics as a report (scheduled sends and CSV)."""

from leads import selectors
from salesproc.registry import Param, Report, register_report

PERIOD_CHOICES = tuple(
    (key, f"{key} days" if key != "all" else "All time") for key in selectors.PERIODS
)


def _percent(value):
    return round(value * 100, 1) if value is not None else None


def lead_metrics_rows(*, user, params):
    figures = selectors.qualification_metrics(
        user=user, period=params.get("period", selectors.DEFAULT_PERIOD)
    )
    columns = ["source", "leads", "qualified", "disqualified", "converted", "conversion %"]
    rows = [
        [
            row["source"],
            row["total"],
            row["qualified"],
            row["disqualified"],
            row["converted"],
            _percent(row["conversion_rate"]),
        ]
        for row in figures["by_source"]
    ]
    totals = figures["totals"]
    rows.append(
        [
            "All sources",
            totals["total"],
            totals["qualified"] + totals["converted"],
            totals["disqualified"],
            totals["converted"],
            _percent(totals["conversion_rate"]),
        ]
    )
    return columns, rows


def register():
    register_report(
        Report(
            "leads.metrics",
            "Lead qualification metrics",
            lead_metrics_rows,
            params=(
                Param(
                    "period",
                    "Period",
                    kind="choice",
                    required=False,
                    choices=PERIOD_CHOICES,
                    default=selectors.DEFAULT_PERIOD,
                ),
            ),
            url_name="leads:metrics",
            process="leads",
            manager_only=True,
            order=20,
        )
    )
