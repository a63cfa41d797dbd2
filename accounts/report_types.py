"""Account health as reports (scheduled sends and CSV): the team's key-account portfolio
and an account manager's own accounts, with health, plan and every registered measure."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from salesproc.exports import cell
from salesproc.registry import Param, Report, account_measures_for, register_report

from .health.models import Band
from .models import Account
from .portfolio import selectors

FILTERS = (
    Param("q", "Search", required=False),
    Param(
        "band",
        "Health band",
        kind="choice",
        required=False,
        choices=(*Band.choices, ("none", "Not scored")),
    ),
    Param("status", "Status", kind="choice", required=False, choices=tuple(Account.Status.choices)),
    Param("plan", "Plan", kind="choice", required=False, choices=tuple(selectors.PLAN_STATUSES)),
)


def _rows(*, user, params, account_manager=None):
    measures = account_measures_for()
    accounts = selectors.managed_accounts(
        user=user,
        today=timezone.localdate(),
        account_manager=account_manager,
        search=params.get("q", ""),
        band=params.get("band", ""),
        status=params.get("status", ""),
        plan_status=params.get("plan", ""),
    )
    columns = [
        "account",
        "account manager",
        "health score",
        "band",
        "trend (4 weeks)",
        "plan",
        "overdue actions",
        *[measure.label for measure in measures],
    ]

    def rows():
        for account in accounts.iterator(chunk_size=1000):
            try:
                health = account.health
            except ObjectDoesNotExist:  # not scored yet
                health = None
            yield [
                account.name,
                account.account_manager.display_name if account.account_manager_id else "",
                health.score if health else None,
                health.get_band_display() if health else "Not scored",
                account.health_trend,
                account.plan_status_raw or "none",
                account.overdue_actions,
                *[cell(getattr(account, measure.key, None)) for measure in measures],
            ]

    return columns, rows()


def portfolio_rows(*, user, params):
    return _rows(user=user, params=params)


def my_accounts_rows(*, user, params):
    return _rows(user=user, params=params, account_manager=user)


def register():
    register_report(
        Report(
            "accounts.portfolio",
            "Key account health (team)",
            portfolio_rows,
            params=FILTERS,
            url_name="accounts:portfolio",
            manager_only=True,
            order=50,
        )
    )
    register_report(
        Report(
            "accounts.my_accounts",
            "My accounts' health",
            my_accounts_rows,
            params=FILTERS,
            url_name="accounts:my_accounts",
            process="accounts",
            order=51,
        )
    )
