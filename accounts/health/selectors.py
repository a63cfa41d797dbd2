"""Reads for account health: the figure the API and the account page show, the trend,
and the settings page's preview."""

from datetime import date, timedelta

from accounts.models import Account

from .models import AccountHealth, Band, HealthSettings, HealthSnapshot
from .services import health_figures, week_of

PREVIEW_LIMIT = 2000
TREND_WEEKS = 13


def health_trend(*, account: Account, today: date) -> list[dict]:
    """The last 13 weeks' snapshots, oldest first: [{"week", "score", "band"}]."""
    since = week_of(today) - timedelta(weeks=TREND_WEEKS - 1)
    return list(
        HealthSnapshot.objects.filter(account=account, week__gte=since)
        .order_by("week")
        .values("week", "score", "band")
    )


def account_health(*, account: Account) -> AccountHealth | None:
    return AccountHealth.objects.filter(account=account).first()


def band_preview(*, current: HealthSettings, candidate: HealthSettings, today: date) -> dict:
    """How many managed accounts fall in each band now and with the candidate settings
    (the first PREVIEW_LIMIT managed accounts, computed live)."""
    ids = list(
        Account.objects.filter(is_managed=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:PREVIEW_LIMIT]
    )
    rows = []
    counts = {}
    for name, settings in (("now", current), ("then", candidate)):
        figures = health_figures(account_ids=ids, today=today, settings=settings)
        counts[name] = dict.fromkeys(Band.values, 0)
        for figure in figures.values():
            counts[name][figure["band"]] += 1
    for value, label in Band.choices:
        rows.append({"band": label, "now": counts["now"][value], "then": counts["then"][value]})
    return {"rows": rows, "accounts": len(ids)}
