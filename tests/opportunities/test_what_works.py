"""What works: figures and Wilson intervals against hand-computed values, the better/worse
flags, greyed small samples, scope, and bounded queries at 10 and 1,000 deals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from calls.models import Call
from deals.models import Deal
from leads.models import Lead
from opportunities.analysis import what_works, wilson_interval
from opportunities.models import (
    Competitor,
    DealCompetitor,
    OpportunityPlan,
    PlanPromptVersion,
    Stakeholder,
    WinStrategy,
)
from tests.conftest import api_for
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_wilson_matches_hand_computed_values():
    # 8 of 10: p = .8, z = 1.96 -> centre .71674, half-width .22658
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    low, high = wilson_interval(1, 4)
    assert (round(low, 4), round(high, 4)) == (0.0456, 0.6994)
    low, high = wilson_interval(0, 5)
    assert (round(low, 4), round(high, 4)) == (0.0, 0.4345)
    assert wilson_interval(0, 0) is None


def closed(owner, pipeline, *, won, days=10, amount=1000, strategy=None, account=None, **extra):
    """A closed deal `days` long (bulk setup: the report reads rows, not services)."""
    now = timezone.now()
    stage = pipeline.stages.get(kind="won" if won else "lost")
    deal = Deal.objects.create(
        name="Closed",
        account=account or AccountFactory(owner=owner),
        owner=owner,
        pipeline=pipeline,
        stage=stage,
        amount=Decimal(amount),
        status="won" if won else "lost",
        closed_at=now - timedelta(days=1),
        created_at=now - timedelta(days=1 + days),
        **extra,
    )
    if strategy is not None:
        OpportunityPlan.objects.create(
            deal=deal, prompt_version=PlanPromptVersion.objects.first(), strategy=strategy
        )
    return deal


@pytest.fixture
def strategies(db):
    return {s.name: s for s in WinStrategy.objects.all()}


@pytest.fixture
def sample(rep, pipeline, strategies):
    """Pilot 9 of 10 won, Price 1 of 10, Relationship 1 of 1, 0 without strategy."""
    pilot, price = strategies["Proof of concept or pilot"], strategies["Price"]
    for i in range(10):
        closed(rep, pipeline, won=i < 9, strategy=pilot, days=10 if i < 5 else 20, amount=1000)
    for i in range(10):
        closed(rep, pipeline, won=i < 1, strategy=price, days=30, amount=3000)
    closed(rep, pipeline, won=True, strategy=strategies["Relationship"], days=5, amount=500)


def _today():
    return timezone.localdate()


def test_by_strategy_the_figures_are_the_hand_computed_ones(rep, sample):
    report = what_works(
        user=rep, start=_today() - timedelta(days=30), end=_today(), group_by="strategy"
    )

    rows = {g.label: g for g in report.groups}
    pilot, price, relationship = (
        rows["Proof of concept or pilot"],
        rows["Price"],
        rows["Relationship"],
    )
    assert (report.overall.deals, report.overall.won) == (21, 11)
    assert (pilot.deals, pilot.won, pilot.win_rate) == (10, 9, 0.9)
    assert tuple(round(x, 4) for x in pilot.interval) == (0.5958, 0.9821)
    assert pilot.cycle_days == pytest.approx(15.0, abs=0.01)
    assert pilot.average_won_amount == pytest.approx(1000.0)
    assert (price.won, price.average_won_amount) == (1, pytest.approx(3000.0))
    # overall 11/21 = .524: pilot's interval is above it, price's below it
    assert (pilot.flag, price.flag) == ("better", "worse")
    # one deal is under the minimum sample of 10: greyed and never flagged
    assert (relationship.small_sample, relationship.flag) == (True, None)


def test_the_api_returns_the_contract_fields(rep, sample):
    response = api_for(rep).get("/api/v1/reports/what-works/?group_by=strategy")

    assert response.status_code == 200
    group = next(g for g in response.json()["groups"] if g["label"] == "Price")
    assert {
        k: group[k] for k in ("key", "label", "deals", "won", "win_rate", "interval", "flag")
    } == {
        "key": str(WinStrategy.objects.get(name="Price").pk),
        "label": "Price",
        "deals": 10,
        "won": 1,
        "win_rate": 0.1,
        "interval": [0.0179, 0.4042],
        "flag": "worse",
    }


def test_bad_parameters_are_400s(rep):
    client = api_for(rep)

    assert client.get("/api/v1/reports/what-works/?group_by=zodiac").status_code == 400
    body = client.get("/api/v1/reports/what-works/?from=2026-05-01&to=2026-01-01").json()
    assert body == {"from": ["The period starts after it ends."]}
    assert "from" in client.get("/api/v1/reports/what-works/?from=yesterday").json()


def test_a_rep_sees_only_their_own_deals(rep, teammate, manager, pipeline, strategies):
    closed(rep, pipeline, won=True)
    closed(teammate, pipeline, won=False)

    mine = what_works(user=rep, start=_today() - timedelta(days=60), end=_today())
    team = what_works(user=manager, start=_today() - timedelta(days=60), end=_today())

    assert (mine.overall.deals, team.overall.deals) == (1, 2)


def test_a_team_outside_the_managers_scope_is_refused(other_manager, north):
    response = api_for(other_manager).get(f"/api/v1/reports/what-works/?team={north.pk}")

    assert response.status_code == 400
    assert response.json() == {"team": ["Choose one of your teams."]}


def test_by_competitor_source_channel_coverage_and_completeness(rep, pipeline):
    account = AccountFactory(owner=rep)
    person = ContactFactory(owner=rep, account=account)
    rival = Competitor.objects.create(name="Rival")
    lead = Lead.objects.create(first_name="L", last_name="S", owner=rep, source="webinar")
    won = closed(rep, pipeline, won=True, account=account, source_lead_id=lead.pk)
    lost = closed(rep, pipeline, won=False, account=account)
    DealCompetitor.objects.create(deal=won, competitor=rival)
    DealCompetitor.objects.create(deal=lost, competitor=rival)
    Stakeholder.objects.create(deal=won, contact=person, buying_role="economic_buyer")
    Call.objects.create(
        owner=rep,
        contact=person,
        deal=won,
        status="completed",
        channel="video",
        scheduled_at=won.closed_at - timedelta(days=3),
        completed_at=won.closed_at - timedelta(days=3),
        purpose="Demo",
    )
    start, end = _today() - timedelta(days=60), _today()

    def rows(group_by):
        report = what_works(user=rep, start=start, end=end, group_by=group_by)
        return {g.label: (g.deals, g.won) for g in report.groups}

    assert rows("competitor") == {"Rival": (2, 1)}
    assert rows("source") == {"webinar": (1, 1), "Not from a lead": (1, 0)}
    channel = rows("channel")
    assert channel["Video calls held"] == (1, 1)
    assert channel["No held calls"] == (1, 0)
    assert channel["1–2 touches"] == (1, 1)
    coverage = rows("coverage")
    assert coverage["Economic buyer engaged"] == (1, 1)
    assert coverage["Economic buyer not engaged"] == (1, 0)
    assert coverage["No stakeholders mapped"] == (1, 0)
    assert rows("completeness") == {"No plan": (2, 1)}


@pytest.mark.parametrize("count", [10, 1000])
def test_the_report_runs_a_bounded_number_of_queries(
    count, rep, pipeline, strategies, django_assert_max_num_queries
):
    account = AccountFactory(owner=rep)
    version = PlanPromptVersion.objects.first()
    now = timezone.now()
    won, lost = pipeline.stages.get(kind="won"), pipeline.stages.get(kind="lost")
    deals = Deal.objects.bulk_create(
        [
            Deal(
                name=f"D{i}",
                account=account,
                owner=rep,
                pipeline=pipeline,
                stage=won if i % 3 else lost,
                status="won" if i % 3 else "lost",
                amount=1000 + i,
                closed_at=now - timedelta(days=2),
                created_at=now - timedelta(days=20 + i % 30),
            )
            for i in range(count)
        ]
    )
    strategy_list = list(strategies.values())
    OpportunityPlan.objects.bulk_create(
        [
            OpportunityPlan(deal=d, prompt_version=version, strategy=strategy_list[i % 6])
            for i, d in enumerate(deals)
        ]
    )
    client = api_for(rep)
    for group_by in ("strategy", "competitor", "source", "channel", "coverage", "completeness"):
        with django_assert_max_num_queries(8):
            response = client.get(f"/api/v1/reports/what-works/?group_by={group_by}")
        assert response.json()["overall"]["deals"] == count
