"""The weekly pipeline snapshot and the demo history built from stage changes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deals import tasks
from deals.models import Deal, PipelineSnapshot, Quota, StageChange
from deals.reporting import demo as reporting_demo
from deals.reporting import services as reporting_services
from salesproc.demo import seed_people

from .report_factories import at, open_deal, stage, won_deal


@pytest.mark.django_db
def test_it_snapshots_every_open_deal_under_this_weeks_monday(rep, other_rep):
    proposal = open_deal(
        rep, 40_000, stage_name="Proposal", close=date(2025, 6, 20), category="commit"
    )
    open_deal(other_rep, 5_000)
    won_deal(rep, 1_000, closed=date(2025, 6, 2))

    added = reporting_services.snapshot_week(today=date(2025, 6, 18))

    assert added == 2
    row = PipelineSnapshot.objects.get(deal=proposal)
    assert (row.week_start, row.owner, row.stage.name, row.amount, row.probability) == (
        date(2025, 6, 16),
        rep,
        "Proposal",
        Decimal("40000.00"),
        50,
    )
    assert (row.forecast_category, row.expected_close_date) == ("commit", date(2025, 6, 20))


@pytest.mark.django_db
def test_it_keeps_one_snapshot_per_deal_per_week(rep):
    deal = open_deal(rep, 10_000)
    reporting_services.snapshot_week(today=date(2025, 6, 16))
    before = list(PipelineSnapshot.objects.values_list("id", "week_start", "deal_id", "amount"))
    Deal.objects.filter(pk=deal.pk).update(amount=Decimal("99"))

    again = reporting_services.snapshot_week(today=date(2025, 6, 22))  # same week, Sunday

    assert again == 0
    assert (
        list(PipelineSnapshot.objects.values_list("id", "week_start", "deal_id", "amount"))
        == before
    )
    assert reporting_services.snapshot_week(today=date(2025, 6, 23)) == 1  # the next week


@pytest.mark.django_db
def test_it_runs_the_weekly_task_twice_with_the_same_rows(rep):
    open_deal(rep, 10_000)
    open_deal(rep, 20_000)

    first = tasks.snapshot_pipeline_task.delay().get()
    second = tasks.snapshot_pipeline_task.delay().get()

    assert (first, second) == (2, 0)
    assert set(PipelineSnapshot.objects.values_list("week_start", flat=True)) == {
        timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    }


@pytest.mark.django_db
def test_it_rebuilds_past_weeks_from_stage_history(rep):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    # created five weeks ago in Prospecting, moved to Proposal two weeks ago
    deal = open_deal(rep, 30_000, stage_name="Proposal", close=monday + timedelta(days=20))
    created = at(monday - timedelta(weeks=5))
    Deal.objects.filter(pk=deal.pk).update(created_at=created)
    StageChange.objects.filter(deal=deal).update(changed_at=created)
    StageChange.objects.create(
        deal=deal,
        from_stage=stage("Prospecting"),
        to_stage=stage("Proposal"),
        changed_at=at(monday - timedelta(weeks=2)),
    )
    # won three weeks ago: in the snapshots only before that
    won = won_deal(rep, 5_000, closed=at(monday - timedelta(weeks=3, days=1)), created=created)
    StageChange.objects.filter(deal=won).update(changed_at=created)

    reporting_demo.seed_snapshots(today)
    reporting_demo.seed_snapshots(today)  # idempotent

    stages = dict(
        PipelineSnapshot.objects.filter(deal=deal).values_list("week_start", "stage__name")
    )
    assert len(stages) == 5  # weeks -4 .. 0 (created on the Monday of week -5, at noon)
    assert stages[monday - timedelta(weeks=3)] == "Prospecting"
    assert stages[monday - timedelta(weeks=1)] == "Proposal"
    assert stages[monday] == "Proposal"
    assert sorted(
        PipelineSnapshot.objects.filter(deal=won).values_list("week_start", flat=True)
    ) == [monday - timedelta(weeks=4)]


@pytest.mark.django_db
def test_it_seeds_demo_quotas_once(db):
    users = seed_people()

    reporting_demo.seed()
    first = Quota.objects.count()
    reporting_demo.seed()

    assert first == Quota.objects.count() == 4 * 10  # rep1..rep4, six months back to three ahead
    assert not Quota.objects.filter(user__in=[users["manager1"], users["admin"]]).exists()
    this_month = timezone.localdate().replace(day=1)
    assert Quota.objects.get(user=users["rep1"], period_start=this_month).amount == Decimal(
        "40000.00"
    )
