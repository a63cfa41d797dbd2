"""Demo quotas and pipeline history for the month plan, forecast and dashboard.

Runs after the demo deals and the deals converted from demo leads (order 47). Idempotent: existing quotas and snapshots are kept.
"""

from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Sum
from django.utils import timezone

from deals.models import Deal, PipelineSnapshot, Quota, StageChange
from deals.periods import add_months, day_start, monday_of, month_end
from salesproc.models import Team, User

QUOTA_BY_ROLE = {  # monthly quota when a rep has no won history to size it from
    "inside-rep": Decimal("40000"),
    "field-rep": Decimal("60000"),
    "key-account-manager": Decimal("90000"),
    "account-manager": Decimal("50000"),
}
SNAPSHOT_WEEKS = 13  # about three months of Mondays, this week's included
STEP = Decimal("5000")


def _round_up(amount, step=STEP):
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def demo_reps():
    """People who sell: a sales role, not an admin, managing no team."""
    return (
        User.objects.filter(is_active=True, role__isnull=False, role__is_admin=False)
        .exclude(Exists(Team.objects.filter(manager=OuterRef("pk"))))
        .select_related("role")
    )


def seed_quotas(today):
    reps = list(demo_reps())
    if not reps:
        return 0
    this_month = today.replace(day=1)
    periods = [add_months(this_month, n) for n in range(-6, 4)]
    history_start = add_months(this_month, -6)
    won = {
        row["owner"]: row
        for row in Deal.objects.filter(
            owner__in=reps,
            status=Deal.Status.WON,
            closed_at__gte=day_start(history_start),
            closed_at__lt=day_start(this_month),
        )
        .values("owner")
        .annotate(total=Sum("amount"), n=Count("id"))
    }
    quotas = []
    for rep in reps:
        history = won.get(rep.pk)
        if history and history["n"] >= 3:
            # a stretch of about 10% over what the rep has been winning
            base = _round_up(Decimal(history["total"]) / 6 * Decimal("1.1"))
        else:
            base = QUOTA_BY_ROLE.get(rep.role.slug, Decimal("50000"))
        for n, period in enumerate(periods):
            growth = Decimal("1") + Decimal("0.01") * max(0, n - 6)
            quotas.append(
                Quota(
                    user=rep,
                    period_start=period,
                    period_end=month_end(period),
                    amount=_round_up(base * growth, Decimal("1000")),
                )
            )
    before = Quota.objects.count()
    Quota.objects.bulk_create(quotas, ignore_conflicts=True)
    return Quota.objects.count() - before


def seed_snapshots(today):
    """Rebuild each past Monday's open pipeline from the deals' stage history.

    Amounts and close dates are today's (the history records stages only); the stage and
    whether the deal was still open come from StageChange rows.
    """
    this_monday = monday_of(today)
    mondays = [this_monday - timedelta(weeks=n) for n in range(SNAPSHOT_WEEKS - 1, -1, -1)]
    first = day_start(mondays[0])
    deals = (
        Deal.objects.filter(created_at__lt=day_start(this_monday) + timedelta(days=1))
        .exclude(closed_at__lt=first)
        .select_related("stage")
        .prefetch_related(
            Prefetch(
                "stage_history",
                queryset=StageChange.objects.select_related("to_stage").order_by(
                    "changed_at", "id"
                ),
            )
        )
    )
    rows = []
    for deal in deals:
        history = list(deal.stage_history.all())
        for monday in mondays:
            moment = day_start(monday)
            if deal.created_at > moment or (deal.closed_at and deal.closed_at <= moment):
                continue
            entered = [change for change in history if change.changed_at <= moment]
            if not entered:
                continue
            stage = entered[-1].to_stage
            if stage.kind != stage.Kind.OPEN:
                continue
            if stage.pk == deal.stage_id and deal.status == Deal.Status.OPEN:
                category = deal.forecast_category
            else:
                category = stage.default_forecast_category or Deal.ForecastCategory.PIPELINE
            rows.append(
                PipelineSnapshot(
                    week_start=monday,
                    deal=deal,
                    owner_id=deal.owner_id,
                    stage=stage,
                    amount=deal.amount,
                    probability=stage.probability,
                    forecast_category=category,
                    expected_close_date=deal.expected_close_date,
                )
            )
    before = PipelineSnapshot.objects.count()
    PipelineSnapshot.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return PipelineSnapshot.objects.count() - before, len({row.week_start for row in rows})


@transaction.atomic
def seed(*, stdout=None):
    today = timezone.localdate()
    quotas = seed_quotas(today)
    snapshots, weeks = seed_snapshots(today)
    if stdout:
        stdout.write(
            f"  deal reports: quotas {Quota.objects.count()} ({quotas} new), pipeline "
            f"snapshots {PipelineSnapshot.objects.count()} ({snapshots} new) over {weeks} weeks"
        )
