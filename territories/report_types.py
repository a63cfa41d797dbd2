"""Territory reports for scheduled sends and CSV: coverage per tier and the balance of
territories (visits required against each rep's capacity)."""

from salesproc.registry import Param, Report, register_report

from .coverage import selectors as coverage_selectors

PROCESS = "territories"


def coverage_rows(*, user, params):
    territories = coverage_selectors.coverage_scope(
        user=user, territory_id=params.get("territory"), rep_id=params.get("rep")
    )
    report = coverage_selectors.coverage(user=user, territories=territories)
    columns = [
        "tier",
        "window (days)",
        "accounts",
        "visited",
        "visited %",
        "potential",
        "potential covered",
    ]
    rows = [
        [
            tier["tier"],
            tier["window_days"],
            tier["accounts"],
            tier["visited"],
            tier["percent"],
            tier["potential"],
            tier["potential_covered"],
        ]
        for tier in report["tiers"]
    ]
    rows.append(
        [
            "All tiers",
            "",
            sum(t["accounts"] for t in report["tiers"]),
            sum(t["visited"] for t in report["tiers"]),
            report["potential_percent"],
            report["potential"],
            report["potential_covered"],
        ]
    )
    return columns, rows


def balance_rows(*, user, params):
    columns = [
        "territory",
        "rep",
        "accounts",
        "potential",
        "visits required (4 weeks)",
        "capacity (4 weeks)",
        "load %",
        "overloaded",
    ]
    rows = [
        [
            row["territory"].name,
            row["territory"].rep.display_name,
            row["accounts"],
            row["potential"],
            row["required"],
            row["capacity"],
            row["load_percent"],
            "yes" if row["overloaded"] else "no",
        ]
        for row in coverage_selectors.territory_balance(user=user)
    ]
    return columns, rows


def register():
    register_report(
        Report(
            "territories.coverage",
            "Territory coverage",
            coverage_rows,
            params=(
                Param("territory", "Territory", kind="int", required=False),
                Param("rep", "Rep", kind="user", required=False),
            ),
            url_name="territories:coverage",
            process=PROCESS,
            owner_param="rep",
            order=60,
        )
    )
    register_report(
        Report(
            "territories.balance",
            "Territory balance",
            balance_rows,
            url_name="territories:balance",
            process=PROCESS,
            manager_only=True,
            order=61,
        )
    )
