"""Deals in a given state for report tests.

Deals are created through the service (DealFactory), then put into the state a test
needs with a queryset update, so the tests do not depend on the move/win services.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from deals.models import Deal, Pipeline, PipelineSnapshot, Quota, Stage
from deals.periods import month_end
from tests.factories import DealFactory, PipelineFactory


def at(day: date, hour: int = 12) -> datetime:
    """An aware datetime on `day` in the CRM's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def pipeline():
    return Pipeline.objects.filter(is_default=True).first() or PipelineFactory()


def stage(name, in_pipeline=None):
    return Stage.objects.get(pipeline=in_pipeline or pipeline(), name=name)


def open_deal(
    owner,
    amount,
    *,
    stage_name="Prospecting",
    close=None,
    entered=None,
    category=None,
    created=None,
    in_pipeline=None,
):
    the_pipeline = in_pipeline or pipeline()
    deal = DealFactory(
        owner=owner, amount=Decimal(amount), expected_close_date=close, pipeline=the_pipeline
    )
    changes = {"stage": stage(stage_name, the_pipeline)}
    if entered is not None:
        changes["stage_entered_at"] = entered
    if category is not None:
        changes["forecast_category"] = category
    if created is not None:
        changes["created_at"] = created
    Deal.objects.filter(pk=deal.pk).update(**changes)
    deal.refresh_from_db()
    return deal


def closed_deal(owner, amount, *, won=True, closed, created=None, close=None, in_pipeline=None):
    """A won (or lost) deal closed at `closed` (a date or datetime)."""
    the_pipeline = in_pipeline or pipeline()
    closed_at = closed if isinstance(closed, datetime) else at(closed)
    deal = DealFactory(
        owner=owner,
        amount=Decimal(amount),
        expected_close_date=close or closed_at.date(),
        pipeline=the_pipeline,
    )
    Deal.objects.filter(pk=deal.pk).update(
        status=Deal.Status.WON if won else Deal.Status.LOST,
        stage=stage("Closed won" if won else "Closed lost", the_pipeline),
        forecast_category=Deal.ForecastCategory.CLOSED if won else Deal.ForecastCategory.OMITTED,
        closed_at=closed_at,
        created_at=created if created is not None else closed_at - timedelta(days=30),
    )
    deal.refresh_from_db()
    return deal


def won_deal(owner, amount, **kwargs):
    return closed_deal(owner, amount, won=True, **kwargs)


def lost_deal(owner, amount, **kwargs):
    return closed_deal(owner, amount, won=False, **kwargs)


def quota(user, month: date, amount):
    return Quota.objects.create(
        user=user, period_start=month, period_end=month_end(month), amount=Decimal(amount)
    )


def snapshot(deal, week_start, *, stage_name, amount, close, owner=None, category="pipeline"):
    the_stage = stage(stage_name, deal.pipeline)
    return PipelineSnapshot.objects.create(
        week_start=week_start,
        deal=deal,
        owner=owner or deal.owner,
        stage=the_stage,
        amount=Decimal(amount),
        probability=the_stage.probability,
        forecast_category=category,
        expected_close_date=close,
    )


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    period_start = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    period_end = factory.LazyAttribute(lambda q: month_end(q.period_start))
    amount = Decimal("50000")
