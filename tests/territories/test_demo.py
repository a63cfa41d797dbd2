"""The territories demo: rep2's North-West (about 60 accounts with coordinates, a base),
a neighbouring Yorkshire for another field rep of team North, tier policies, 12 weeks
of held visits that under-serve some A accounts, a plan awaiting review; seeding twice
adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from calls.models import Call
from territories.coverage.selectors import coverage
from territories.models import (
    AccountTerritory,
    PotentialBand,
    RepBase,
    Territory,
    TerritoryPlan,
    TierPolicy,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        "territories": Territory.objects.count(),
        "placed": AccountTerritory.objects.exclude(territory=None).count(),
        "calls": Call.objects.count(),
        "plans": TerritoryPlan.objects.count(),
        "bands": PotentialBand.objects.count(),
    }


def test_the_demo_gives_rep2_a_territory_to_plan_and_a_plan_to_review():
    call_command("seed_demo", "--force", stdout=StringIO())
    north_west = Territory.objects.select_related("rep", "parent").get(name="North-West")
    yorkshire = Territory.objects.select_related("rep").get(name="Yorkshire")
    assert north_west.rep.username == "rep2" and north_west.parent.name == "North of England"
    assert yorkshire.rep.username != "rep2"
    assert yorkshire.rep.team_id == north_west.rep.team_id and yorkshire.rep.team.name == "North"
    assert yorkshire.rep.runs("territories")
    accounts = north_west.assignments.select_related("account")
    assert 50 <= accounts.count() <= 70
    assert all(53 < a.account.latitude < 54.2 and -3.1 < a.account.longitude < -2 for a in accounts)
    assert RepBase.objects.filter(rep=north_west.rep).exists()
    assert TierPolicy.objects.count() == 4
    assert PotentialBand.objects.filter(basis="revenue").exists()
    held = Call.objects.filter(owner=north_west.rep, status="completed")
    first = timezone.now() - held.earliest("scheduled_at").scheduled_at
    assert 11 * 7 <= first.days <= 13 * 7
    # Some A accounts are under-served: coverage lists them overdue.
    report = coverage(user=north_west.rep, territories=[north_west])
    tier_a = next(t for t in report["tiers"] if t["tier"] == "A")
    assert tier_a["accounts"] > tier_a["visited"]
    assert any(a.tier == "A" for a in report["overdue"])
    plan = TerritoryPlan.objects.get(territory=north_west)
    assert plan.status == "submitted" and plan.top_accounts.exists()

    before = counts()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert counts() == before
