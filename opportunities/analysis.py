"""What works: win rate, cycle length and won amount of closed deals, broken down by how
they were worked. Computed in SQL (GROUP BY and conditional aggregates over a grouped
per-deal subquery); Python only turns each group's sums into rates and 95% intervals.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from calls.models import Call
from deals.models import Deal
from leads.models import Lead

from .models import Competitor, Stakeholder, WinStrategy
from .selectors import HELD_STATUSES, plan_settings

Z = 1.96  # 95%
GROUP_BY = {
    "strategy": "Win strategy",
    "competitor": "Competitor faced",
    "source": "Lead source",
    "channel": "Communication mix",
    "coverage": "Stakeholder coverage",
    "completeness": "Plan completeness at the close",
}
WON = Q(status=Deal.Status.WON)
PARTITIONS = {"strategy", "source"}  # breakdowns where every deal is in exactly one group


class DaysBetween(Func):
    """Days from the second expression to the first, as a float, on PostgreSQL and SQLite."""

    output_field = FloatField()
    arg_joiner = " - "
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )


def wilson_interval(won: int, n: int, z: float = Z) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (None for no observations)."""
    if n <= 0:
        return None
    p = won / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(total, squares, n, z: float = Z):
    """(mean, (low, high)) from a sum and a sum of squares; normal approximation, the low
    end clipped at zero."""
    if not n:
        return None, None
    total, squares = float(total or 0), float(squares or 0)
    mean = total / n
    if n < 2:
        return mean, None
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = z * math.sqrt(variance / n)
    return mean, (max(0.0, mean - half), mean + half)  # days and amounts are never negative


@dataclass
class Group:
    key: str
    label: str
    deals: int
    won: int
    win_rate: float | None
    interval: tuple | None
    cycle_days: float | None
    cycle_interval: tuple | None
    average_won_amount: float | None
    amount_interval: tuple | None
    won_deals: int = 0
    flag: str | None = None
    small_sample: bool = False
    sums: dict = field(default_factory=dict, repr=False)


@dataclass
class Report:
    group_by: str
    start: date
    end: date
    overall: Group
    groups: list = field(default_factory=list)
    min_sample: int = 10


def _sums(prefix=""):
    """The six sums every group needs; `prefix` names them apart in one aggregate."""
    return {
        f"{prefix}sum_n": Count("pk"),
        f"{prefix}sum_won": Count("pk", filter=WON),
        f"{prefix}sum_cycle": Sum("cycle"),
        f"{prefix}sum_cycle_sq": Sum(F("cycle") * F("cycle")),
        f"{prefix}sum_amount": Sum("amount", filter=WON),
        f"{prefix}sum_amount_sq": Sum(
            F("amount") * F("amount"), filter=WON, output_field=FloatField()
        ),
    }


def _group(key, label, row, prefix=""):
    n = row[f"{prefix}sum_n"] or 0
    won = row[f"{prefix}sum_won"] or 0
    cycle, cycle_interval = mean_interval(
        row[f"{prefix}sum_cycle"], row[f"{prefix}sum_cycle_sq"], n
    )
    amount, amount_interval = mean_interval(
        row[f"{prefix}sum_amount"], row[f"{prefix}sum_amount_sq"], won
    )
    return Group(
        sums={name: row[f"{prefix}{name}"] for name in _sums()},
        key=str(key),
        label=label,
        deals=n,
        won=won,
        won_deals=won,
        win_rate=(won / n) if n else None,
        interval=wilson_interval(won, n),
        cycle_days=cycle,
        cycle_interval=cycle_interval,
        average_won_amount=amount,
        amount_interval=amount_interval,
    )


def _bounds(start, end):
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.max), tz),
    )


def closed_deals(*, user, start, end, owner=None, team=None):
    """The deals this user may see, closed in [start, end], with their cycle in days."""
    since, until = _bounds(start, end)
    deals = Deal.objects.visible_to(user).filter(
        status__in=(Deal.Status.WON, Deal.Status.LOST), closed_at__gte=since, closed_at__lte=until
    )
    if owner is not None:
        deals = deals.filter(owner=owner)
    if team is not None:
        deals = deals.filter(owner__team=team)
    return deals.annotate(cycle=DaysBetween(F("closed_at"), F("created_at")))


def _grouped(deals, key, labels, none_label):
    rows = deals.values(key=key).annotate(**_sums()).order_by()
    result = []
    for row in rows:
        if row["key"] is None:
            result.append(_group("none", none_label, row))
        else:
            result.append(_group(row["key"], labels.get(row["key"], str(row["key"])), row))
    return result


def _bucketed(per_deal, buckets):
    """One aggregate over a per-deal grouped subquery; each bucket is a condition on it."""
    aggregates = {}
    for key, _, condition in buckets:
        for name, expression in _sums(f"{key}__").items():
            expression = expression.copy()
            expression.filter = condition & expression.filter if expression.filter else condition
            aggregates[name] = expression
    row = per_deal.aggregate(**aggregates)
    return [_group(key, label, row, f"{key}__") for key, label, _ in buckets]


def _per_deal(deals, **aggregates):
    return deals.values("pk", "status", "amount", "cycle").annotate(**aggregates).order_by()


def _held_before_close(**extra):
    return Q(
        calls__status__in=HELD_STATUSES,
        calls__completed_at__lte=F("closed_at"),
        **{f"calls__{k}": v for k, v in extra.items()},
    )


def _groups_for(deals, group_by):
    if group_by == "strategy":
        labels = dict(WinStrategy.objects.values_list("pk", "name"))
        return _grouped(deals, F("opportunity_plan__strategy"), labels, "No strategy chosen")
    if group_by == "competitor":
        labels = dict(Competitor.objects.values_list("pk", "name"))
        return _grouped(deals, F("deal_competitors__competitor"), labels, "No competitor recorded")
    if group_by == "source":
        source = Subquery(Lead.objects.filter(pk=OuterRef("source_lead_id")).values("source")[:1])
        rows = _grouped(deals, source, {}, "Not from a lead")
        for row in rows:
            if row.key == "":
                row.label = "Lead without a source"
        return rows
    if group_by == "channel":
        per_deal = _per_deal(
            deals,
            touches=Count("calls", filter=_held_before_close()),
            **{
                f"ch_{channel}": Count("calls", filter=_held_before_close(channel=channel))
                for channel in Call.Channel.values
            },
        )
        buckets = [
            (channel, f"{label} calls held", Q(**{f"ch_{channel}__gt": 0}))
            for channel, label in Call.Channel.choices
        ]
        buckets += [
            ("touches_0", "No held calls", Q(touches=0)),
            ("touches_1_2", "1–2 touches", Q(touches__gte=1, touches__lte=2)),
            ("touches_3_5", "3–5 touches", Q(touches__gte=3, touches__lte=5)),
            ("touches_6", "6 or more touches", Q(touches__gte=6)),
        ]
        return _bucketed(per_deal, buckets)
    if group_by == "coverage":
        engaged = Call.objects.filter(
            contact=OuterRef("stakeholders__contact"),
            status__in=HELD_STATUSES,
            completed_at__lte=OuterRef("closed_at"),
        )
        from django.db.models import Exists

        per_deal = _per_deal(
            deals,
            people=Count("stakeholders", distinct=True),
            champions=Count(
                "stakeholders",
                filter=Q(stakeholders__buying_role=Stakeholder.BuyingRole.CHAMPION),
                distinct=True,
            ),
            buyers_engaged=Count(
                "stakeholders",
                filter=Q(stakeholders__buying_role=Stakeholder.BuyingRole.ECONOMIC_BUYER)
                & Q(Exists(engaged)),
                distinct=True,
            ),
        )
        buckets = [
            ("buyer_engaged", "Economic buyer engaged", Q(buyers_engaged__gt=0)),
            ("buyer_not_engaged", "Economic buyer not engaged", Q(buyers_engaged=0)),
            ("champion", "With a champion", Q(champions__gt=0)),
            ("no_champion", "No champion", Q(champions=0)),
            ("people_0", "No stakeholders mapped", Q(people=0)),
            ("people_1_2", "1–2 stakeholders", Q(people__gte=1, people__lte=2)),
            ("people_3_4", "3–4 stakeholders", Q(people__gte=3, people__lte=4)),
            ("people_5", "5 or more stakeholders", Q(people__gte=5)),
        ]
        return _bucketed(per_deal, buckets)
    if group_by == "completeness":
        per_deal = _per_deal(
            deals,
            at_close=Coalesce(
                Max(
                    "win_loss_reviews__plan_completeness",
                    filter=Q(win_loss_reviews__outcome=F("status")),
                ),
                Max("opportunity_plan__completeness"),
                output_field=IntegerField(),
            ),
        )
        buckets = [
            ("no_plan", "No plan", Q(at_close=None)),
            ("under_50", "Under 50%", Q(at_close__lt=50)),
            ("50_79", "50–79%", Q(at_close__gte=50, at_close__lt=80)),
            ("80_100", "80–100%", Q(at_close__gte=80)),
        ]
        return _bucketed(per_deal, buckets)
    raise ValueError(f"unknown group_by {group_by!r}")


def what_works(*, user, start, end, group_by="strategy", owner=None, team=None) -> Report:
    """The report: the overall figures and one row per group, flagged against the overall."""
    if group_by not in GROUP_BY:
        raise ValueError(f"unknown group_by {group_by!r}")
    settings = plan_settings()
    deals = closed_deals(user=user, start=start, end=end, owner=owner, team=team)
    groups = _groups_for(deals, group_by)
    if group_by in PARTITIONS:  # each deal is in exactly one group: add the groups' sums up
        totals = {name: sum(g.sums[name] or 0 for g in groups) for name in _sums()}
        overall = _group("all", "All closed deals", totals)
    else:
        overall = _group("all", "All closed deals", deals.order_by().aggregate(**_sums()))
    for group in groups:
        group.small_sample = group.deals < settings.min_sample
        if group.small_sample or group.interval is None or overall.win_rate is None:
            continue
        low, high = group.interval
        if low > overall.win_rate:
            group.flag = "better"
        elif high < overall.win_rate:
            group.flag = "worse"
    groups.sort(key=lambda g: (g.small_sample, -(g.win_rate or 0), g.label))
    return Report(
        group_by=group_by,
        start=start,
        end=end,
        overall=overall,
        groups=[g for g in groups if g.deals],
        min_sample=settings.min_sample,
    )


def competitor_win_rates(*, user, competitors):
    """{competitor id: (won, deals, interval)} over every closed deal this user may see."""
    rows = (
        Deal.objects.visible_to(user)
        .filter(
            status__in=(Deal.Status.WON, Deal.Status.LOST),
            deal_competitors__competitor__in=competitors,
        )
        .values("deal_competitors__competitor")
        .annotate(n=Count("pk"), won=Count("pk", filter=WON))
        .order_by()
    )
    return {
        row["deal_competitors__competitor"]: (
            row["won"],
            row["n"],
            wilson_interval(row["won"], row["n"]),
        )
        for row in rows
    }
