"""The one definition of each headline figure that more than one page shows.

- Win rate: deals won / deals won or lost, by count, over the HISTORY_MONTHS full
  calendar months before a month (`history_window`); the month plan, the pipeline
  dashboard and the API all read it from `win_rate()`, and each page states the window.
- Weighted amount: the sum of amount x stage probability, divided by 100 and rounded
  to the cent once, after summing (`weighted_sum()` in the query, `weighted()` on its
  result); never the sum of rounded rows, so the board, the dashboard, the deal list and
  home agree to the cent.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from deals.models import Deal
from deals.periods import add_months, day_start
from salesproc.models import User

from .scope import (
    DEAL_WEIGHT,
    HISTORY_MONTHS,
    ZERO,
    history_window,
    ratio,
    resolve_owner,
    resolve_pipeline,
    scoped,
    to_money,
    weighted,
)

__all__ = ["WinRate", "weighted", "weighted_sum", "win_rate"]


def weighted_sum():
    """Aggregate of amount x probability (percent not divided out): pass the result
    to `weighted()`."""
    return Sum(DEAL_WEIGHT)


@dataclass(frozen=True)
class WinRate:
    rate: Decimal | None
    won: int
    lost: int
    closed: int
    window_start: date
    window_end: date  # the last day of the window
    months: int = HISTORY_MONTHS
    basis: str = "count"
    won_amount: Decimal = ZERO


def win_rate(
    *,
    user: User,
    owner=None,
    pipeline=None,
    month=None,
    today: date | None = None,
    months: int = HISTORY_MONTHS,
) -> WinRate:
    """Won / (won + lost), by count, over the `months` full months before `month` (for
    a month not over yet, before the current one). One query."""
    today = today or timezone.localdate()
    month_start = (month or today).replace(day=1)
    owner = resolve_owner(user=user, owner=owner)
    pipeline = resolve_pipeline(pipeline)
    end = history_window(month_start, today)[1]
    start = add_months(end, -months)
    deals = scoped(Deal.objects, user=user, owner=owner).filter(
        status__in=[Deal.Status.WON, Deal.Status.LOST],
        closed_at__gte=day_start(start),
        closed_at__lt=day_start(end),
    )
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
    won_q = Q(status=Deal.Status.WON)
    sums = deals.order_by().aggregate(
        won=Count("id", filter=won_q),
        lost=Count("id", filter=Q(status=Deal.Status.LOST)),
        won_amount=Sum("amount", filter=won_q),
    )
    won, lost = sums["won"], sums["lost"]
    return WinRate(
        rate=ratio(won, won + lost),
        won=won,
        lost=lost,
        closed=won + lost,
        window_start=start,
        window_end=date.fromordinal(end.toordinal() - 1),
        months=months,
        won_amount=to_money(sums["won_amount"]),
    )
