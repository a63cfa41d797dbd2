"""The coaching dashboard as a report (scheduled sends and CSV): figures per rep."""

from calls import selectors
from salesproc.registry import Param, Report, register_report


def _percent(value):
    return round(value * 100, 1) if value is not None else None


def coaching_rows(*, user, params):
    days = selectors.PERIODS.get(params.get("period", "90"), 90)
    figures = selectors.coaching_dashboard(
        user=user,
        days=days,
        owner=params.get("rep"),
        people=list(selectors.coaching_reps(user=user)),
    )
    columns = [
        "rep",
        "calls",
        "held",
        "no-shows",
        "planned ahead %",
        "debriefed %",
        "hours to debrief",
        "reviewed",
        "hours to review",
        "preparation",
        "questioning",
        "objection handling",
        "next step",
    ]
    rows = [
        [
            row["name"],
            row["calls"],
            row["held"],
            row["no_show"],
            _percent(row["planned_ahead_share"]),
            _percent(row["debrief_rate"]),
            row["debrief_delay_hours"],
            row["reviewed"],
            row["review_delay_hours"],
            row["avg_preparation"],
            row["avg_questioning"],
            row["avg_objection_handling"],
            row["avg_next_step"],
        ]
        for row in figures["reps"]
    ]
    return columns, rows


def register():
    register_report(
        Report(
            "calls.coaching",
            "Call coaching",
            coaching_rows,
            params=(
                Param(
                    "period",
                    "Period",
                    kind="choice",
                    required=False,
                    choices=tuple((key, f"{key} days") for key in selectors.PERIODS),
                    default="90",
                ),
                Param("rep", "Rep", kind="user", required=False),
            ),
            url_name="calls:coaching",
            process="calls",
            manager_only=True,
            owner_param="rep",
            order=30,
        )
    )
