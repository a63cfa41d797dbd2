from datetime import timedelta

import pytest
from django.utils import timezone

from leads import selectors
from leads.models import DisqualificationReason
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def leads(now, rep, teammate, other_manager):
    no_budget, _ = DisqualificationReason.objects.get_or_create(name="No budget")
    unresponsive, _ = DisqualificationReason.objects.get_or_create(name="Unresponsive")

    def lead(owner, source, status, created_days, qualified_days=None, reason=None):
        return LeadFactory(
            owner=owner,
            source=source,
            status=status,
            created_at=now - timedelta(days=created_days),
            qualified_at=now - timedelta(days=qualified_days) if qualified_days else None,
            disqualification_reason=reason,
        )

    lead(rep, "web", "converted", 10, 8)  # 2 days to qualify
    lead(teammate, "web", "qualified", 20, 16)  # 4 days
    lead(rep, "web", "disqualified", 30, reason=no_budget)
    lead(rep, "web", "new", 1)
    lead(teammate, "referral", "converted", 30, 24)  # 6 days
    lead(rep, "referral", "disqualified", 40, reason=unresponsive)
    lead(rep, "event", "disqualified", 50, reason=no_budget)
    lead(rep, "event", "working", 5)
    lead(other_manager, "web", "qualified", 3, 1)  # another team: not the manager's
    lead(rep, "web", "converted", 200, 190)  # before the period


def test_it_computes_the_managers_figures(manager, leads, now):
    figures = selectors.qualification_metrics(user=manager, period="180", now=now)

    totals = figures["totals"]
    assert (totals["total"], totals["new"], totals["working"]) == (8, 1, 1)
    assert (totals["qualified"], totals["disqualified"], totals["converted"]) == (1, 3, 2)
    assert totals["qualification_rate"] == 0.5  # 3 qualified or converted of 6 decided
    assert totals["conversion_rate"] == 0.25  # 2 of 8
    assert totals["avg_days_to_qualify"] == 4.0  # (2 + 4 + 6) / 3
    assert figures["by_status"] == [
        ("New", 1),
        ("Working", 1),
        ("Qualified", 1),
        ("Disqualified", 3),
        ("Converted", 2),
    ]
    assert [
        (
            r["source"],
            r["total"],
            r["qualified"],
            r["disqualified"],
            r["converted"],
            r["conversion_rate"],
        )
        for r in figures["by_source"]
    ] == [
        ("web", 4, 2, 1, 1, 0.25),
        ("event", 2, 0, 1, 0, 0.0),
        ("referral", 2, 1, 1, 1, 0.5),
    ]
    assert figures["reasons"] == [
        {"name": "No budget", "count": 2},
        {"name": "Unresponsive", "count": 1},
    ]
    assert sum(row["created"] for row in figures["monthly"]) == 8


def test_it_widens_to_all_time_and_to_everyone_for_an_admin(admin, leads, now):
    figures = selectors.qualification_metrics(user=admin, period="all", now=now)

    assert figures["totals"]["total"] == 10
    assert figures["totals"]["converted"] == 3


def test_it_limits_a_rep_to_their_own_leads(teammate, leads, now):
    figures = selectors.qualification_metrics(user=teammate, now=now)

    assert figures["totals"]["total"] == 2
    assert figures["totals"]["qualification_rate"] == 1.0


def test_it_reports_no_rates_without_leads(manager, now):
    figures = selectors.qualification_metrics(user=manager, now=now)

    assert figures["totals"]["total"] == 0
    assert figures["totals"]["qualification_rate"] is None
    assert figures["totals"]["avg_days_to_qualify"] is None
    assert figures["by_source"] == []
