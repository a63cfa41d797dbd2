"""The account-management demo: a few of rep3's and rep4's key accounts really slide into
"at risk" (their computed score), and seeding twice adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.health.models import AccountHealth, HealthSnapshot
from accounts.models import Account
from accounts.plans.models import AccountPlan
from deals.models import Deal
from salesproc.models import User

pytestmark = pytest.mark.django_db


def counts():
    return {
        "deals": Deal.objects.count(),
        "managed": Account.objects.filter(is_managed=True).count(),
        "health": AccountHealth.objects.count(),
        "snapshots": HealthSnapshot.objects.count(),
        "plans": AccountPlan.objects.count(),
    }


def test_the_demo_slides_key_accounts_into_at_risk_once(client):
    # when the demo is seeded on a fresh database
    call_command("seed_demo", "--force", stdout=StringIO())
    # then some of rep3's and rep4's accounts are at risk by their computed score
    at_risk = list(
        AccountHealth.objects.filter(
            band="at_risk", account__account_manager__username__in=["rep3", "rep4"]
        ).select_related("account")
    )
    assert len(at_risk) >= 1
    for health in at_risk:
        assert health.score < 40
        points = {s["key"]: s["points"] for s in health.signals}
        assert points["deals.lost_recently"] < 0 and points["deals.open_pipeline"] < 0
        assert round(100 + sum(points.values())) == health.score
    # and their manager's portfolio lists them under "At risk" and counts them in the chart
    client.force_login(User.objects.get(username="manager2"))
    page = client.get("/accounts/portfolio/")
    listed = {a.name for a in page.context["at_risk"]}
    assert {h.account.name for h in at_risk} <= listed
    assert page.context["summary"]["at_risk"] >= len(at_risk)
    # and seeding twice adds nothing
    before = counts()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert counts() == before
