"""Deal reports for scheduled sends and CSV exports: the pipeline, the month plan, the
forecast and stalled deals, read through the same selectors as their pages."""

from django.utils import timezone

from deals.models import Pipeline
from deals.periods import this_month
from deals.reporting import selectors
from salesproc.registry import Param, Report, register_report

OWNER = Param("owner", "Rep", kind="user", required=False, help="Only this rep's deals.")


def _pipelines():
    return [
        (p.pk, p.name) for p in Pipeline.objects.filter(is_active=True).order_by("order", "name")
    ]


def _percent(value):
    return round(float(value) * 100, 1) if value is not None else None


def pipeline_rows(*, user, params):
    summary = selectors.pipeline_summary(
        user=user,
        owner=params.get("owner"),
        pipeline=params.get("pipeline"),
        close_from=params.get("close_from"),
        close_to=params.get("close_to"),
    )
    columns = ["pipeline", "stage", "probability %", "deals", "amount", "weighted amount"]
    rows = [
        [s["pipeline"], s["name"], s["probability"], s["count"], s["amount"], s["weighted_amount"]]
        for s in summary["stages"]
    ]
    total = summary["total"]
    rows.append(["Total", "", "", total["count"], total["amount"], total["weighted_amount"]])
    return columns, rows


def month_plan_rows(*, user, params):
    plan = selectors.month_plan(
        user=user, month=params.get("month") or this_month(), owner=params.get("owner")
    )
    columns = [
        "week",
        "from",
        "to",
        "state",
        "expected deals",
        "expected amount",
        "weighted amount",
        "won deals",
        "won amount",
        "won to date",
        "gap after",
    ]
    rows = [
        [
            week.label,
            week.start,
            week.end,
            week.state,
            week.expected_count,
            week.expected_amount,
            week.weighted_amount,
            week.won_count,
            week.won_amount,
            week.won_to_date,
            week.gap_after,
        ]
        for week in plan.weeks
    ]
    rows.append(
        ["Month", plan.month_start, plan.month_end, f"quota {plan.quota or '-'}"]
        + [plan.open_count, plan.open_amount, plan.weighted_amount]
        + [plan.won_count, plan.won_amount, plan.won_amount, plan.gap]
    )
    return columns, [[c.isoformat() if hasattr(c, "isoformat") else c for c in r] for r in rows]


def forecast_rows(*, user, params):
    rollup = selectors.forecast_rollup(user=user, month=params.get("month") or this_month())
    keys = [
        "quota",
        "won_amount",
        "commit_pipeline",
        "best_case_pipeline",
        "pipeline_pipeline",
        "submitted_commit",
        "submitted_best_case",
    ]
    columns = [
        "rep",
        "quota",
        "won",
        "commit (open)",
        "best case (open)",
        "pipeline (open)",
        "submitted commit",
        "submitted best case",
        "attainment %",
    ]
    rows = [
        [row["name"], *[row[key] for key in keys], _percent(row["attainment"])]
        for row in rollup["rows"]
    ]
    total = rollup["total"]
    rows.append(["Total", *[total[key] for key in keys], _percent(total["attainment"])])
    return columns, rows


def stalled_rows(*, user, params):
    now = timezone.now()
    deals = selectors.stalled_deals(user=user, owner=params.get("owner"), now=now)
    columns = ["deal", "account", "owner", "stage", "amount", "days in stage", "limit (days)"]

    def rows():
        for deal in deals.iterator(chunk_size=2000):
            row = selectors.stalled_row(deal, now)
            yield [
                deal.name,
                deal.account.name,
                deal.owner.display_name,
                deal.stage.name,
                deal.amount,
                row["days_in_stage"],
                row["limit"],
            ]

    return columns, rows()


def register():
    for item in (
        Report(
            "deals.pipeline",
            "Pipeline by stage",
            pipeline_rows,
            params=(
                OWNER,
                Param("pipeline", "Pipeline", kind="choice", required=False, choices=_pipelines),
                Param("close_from", "Closing from", kind="date", required=False),
                Param("close_to", "Closing to", kind="date", required=False),
            ),
            url_name="deals:pipeline_dashboard",
            process="deals",
            owner_param="owner",
            order=10,
        ),
        Report(
            "deals.month_plan",
            "Month plan",
            month_plan_rows,
            params=(Param("month", "Month", kind="month", required=False), OWNER),
            url_name="deals:month_plan",
            process="deals",
            owner_param="owner",
            order=11,
        ),
        Report(
            "deals.forecast",
            "Forecast",
            forecast_rows,
            params=(Param("month", "Month", kind="month", required=False),),
            url_name="deals:forecast",
            process="deals",
            order=12,
        ),
        Report(
            "deals.stalled",
            "Stalled deals",
            stalled_rows,
            params=(OWNER,),
            url_name="deals:stalled_deals",
            process="deals",
            owner_param="owner",
            order=13,
        ),
    ):
        register_report(item)
