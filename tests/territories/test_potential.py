"""Potential value (model band + won revenue 12 months + open pipeline, or the rep's
override with its reason) and tiers A-D by thresholds or by share of the territory."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from deals.models import Deal
from territories.models import (
    AccountTerritory,
    PotentialBand,
    PotentialOverride,
    TerritorySettings,
    TierPolicy,
)
from territories.potential import selectors, services
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def potential_of(account):
    return selectors.with_tier(Account.objects.filter(pk=account.pk)).get()


def test_potential_adds_the_most_specific_band_won_revenue_and_open_pipeline(
    teammate, make_account
):
    # Given a band for any industry and a better one for Software of 100-500 people
    PotentialBand.objects.create(industry="", yearly_value=Decimal("5000"))
    PotentialBand.objects.create(
        industry="software", employees_min=100, employees_max=500, yearly_value=Decimal("40000")
    )
    account = make_account(industry="Software", employee_count=120)
    # And a deal won this year, one won two years ago, an open one and a lost one
    for amount, status, closed in (
        (30000, Deal.Status.WON, timezone.now() - timedelta(days=40)),
        (99000, Deal.Status.WON, timezone.now() - timedelta(days=800)),
        (15000, Deal.Status.OPEN, None),
        (77000, Deal.Status.LOST, timezone.now() - timedelta(days=10)),
    ):
        deal = DealFactory(owner=teammate, account=account, amount=amount)
        Deal.objects.filter(pk=deal.pk).update(status=status, closed_at=closed)
    other = make_account(industry="Retail", employee_count=10)
    # Then the potential is 40,000 + 30,000 + 15,000
    row = potential_of(account)
    assert (row.band_value, row.won_12m, row.open_pipeline) == (
        Decimal("40000"),
        Decimal("30000"),
        Decimal("15000"),
    )
    assert row.potential == Decimal("85000")
    assert potential_of(other).potential == Decimal("5000")


def test_tiers_by_threshold(make_account):
    PotentialBand.objects.create(industry="Big", yearly_value=Decimal("150000"))
    PotentialBand.objects.create(industry="Mid", yearly_value=Decimal("50000"))
    PotentialBand.objects.create(industry="Small", yearly_value=Decimal("12000"))
    tiers = {
        industry: potential_of(make_account(industry=industry)).tier
        for industry in ("Big", "Mid", "Small", "None")
    }
    assert tiers == {"Big": "A", "Mid": "B", "Small": "C", "None": "D"}


def test_tiers_by_share_of_the_territory(north_west, yorkshire, make_account):
    # Given ten North-West accounts worth 1..10 and one Yorkshire account worth 1
    TerritorySettings.objects.create(pk=1, tier_mode="share")
    accounts = []
    for value in range(1, 11):
        PotentialBand.objects.create(industry=f"I{value}", yearly_value=Decimal(value))
        account = make_account(industry=f"I{value}")
        AccountTerritory.objects.create(account=account, territory=north_west)
        accounts.append(account)
    lone = make_account(industry="I1")
    AccountTerritory.objects.create(account=lone, territory=yorkshire)
    # Then the top 20% are A, the next 30% B, the next 30% C, the rest D
    tiers = dict(
        selectors.with_tier(Account.objects.all())
        .values_list("industry", "tier")
        .exclude(pk=lone.pk)
    )
    assert [tiers[f"I{v}"] for v in range(10, 0, -1)] == list("AABBBCCCDD")
    # And the only account of Yorkshire is at its top
    assert potential_of(lone).tier == "A"


def test_an_override_needs_a_reason_and_wins(teammate, make_account):
    account = make_account()
    with pytest.raises(ValidationError) as caught:
        services.potential_override_set(actor=teammate, account=account, value=Decimal("9"))
    assert caught.value.message_dict == {
        "reason": ["Say why the potential differs from the model's."]
    }
    assert not PotentialOverride.objects.exists()
    services.potential_override_set(
        actor=teammate, account=account, value=Decimal("250000"), reason="Group-wide rollout"
    )
    row = potential_of(account)
    assert (row.potential, row.tier, row.override_reason) == (
        Decimal("250000"),
        "A",
        "Group-wide rollout",
    )
    services.potential_override_set(actor=teammate, account=account, value=None)
    assert potential_of(account).potential == Decimal("0")


def test_the_account_page_shows_potential_and_the_override_reason(client, teammate, make_account):
    account = make_account()
    client.force_login(teammate)
    client.post(
        reverse("territories:potential_override", args=[account.pk]),
        {"value": "120000", "reason": "Opening three sites"},
    )
    page = client.get(account.get_absolute_url()).content.decode()
    assert "Tier A" in page
    assert "“Opening three sites”" in page
    bad = client.post(
        reverse("territories:potential_override", args=[account.pk]), {"value": "-5"}, follow=True
    )
    assert "Enter the potential as an amount of 0 or more." in bad.content.decode()
    assert PotentialOverride.objects.get(account=account).value == Decimal("120000")


def test_potential_api_and_override(api_as, teammate, other_manager, make_account):
    account = make_account()
    client = api_as(teammate)
    url = f"/api/v1/accounts/{account.pk}/potential/"
    assert client.get(url).json() == {
        "account": account.pk,
        "potential": 0.0,
        "tier": "D",
        "override": None,
        "band_value": 0.0,
        "won_12m": 0.0,
        "open_pipeline": 0.0,
    }
    refused = client.post(url + "override/", {"value": 5000}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"reason": ["Say why the potential differs from the model's."]}
    done = client.post(url + "override/", {"value": 45000, "reason": "New plant"}, format="json")
    assert done.json()["override"] == {"value": 45000.0, "reason": "New plant"}
    assert done.json()["tier"] == "B"
    # Another team sees no such account and changes nothing
    outsider = api_as(other_manager)
    assert outsider.get(url).status_code == 404
    assert (
        outsider.post(url + "override/", {"value": 1, "reason": "x"}, format="json").status_code
        == 404
    )
    assert PotentialOverride.objects.get(account=account).value == Decimal("45000")


def test_tier_policies_api_admin_only_and_checked(api_as, admin, manager):
    listed = api_as(manager).get("/api/v1/tier-policies/").json()
    assert [p["tier"] for p in listed["results"]] == ["A", "B", "C", "D"]
    assert (
        api_as(manager)
        .patch("/api/v1/tier-policies/A/", {"visits_per_period": 9}, format="json")
        .status_code
        == 403
    )
    bad = api_as(admin).patch("/api/v1/tier-policies/B/", {"min_potential": 500000}, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"min_potential": ["Tier B's threshold cannot be above tier A's."]}
    bad_r = api_as(admin).patch("/api/v1/tier-policies/A/", {"response_r": 1.5}, format="json")
    assert bad_r.status_code == 400
    assert "response_r" in bad_r.json()
    ok = api_as(admin).patch(
        "/api/v1/tier-policies/A/", {"visits_per_period": 6, "channel": "video"}, format="json"
    )
    assert ok.status_code == 200
    policy = TierPolicy.objects.get(tier="A")
    assert (policy.visits_per_period, policy.channel) == (6, "video")


def test_the_tier_policy_page_saves_all_or_shows_the_error(client, admin):
    client.force_login(admin)
    url = reverse("territories:tier_policies")
    data = {"tier_mode": "share"}
    for policy in TierPolicy.objects.all():
        for field in ("min_potential", "top_share_percent", "visits_per_period", "period_weeks",
                      "channel", "min_gap_days", "response_p", "response_r"):  # fmt: skip
            data[f"{policy.tier}-{field}"] = getattr(policy, field)
    data["C-top_share_percent"] = 90
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Tiers A to C cannot take more than 100% together." in refused.content.decode()
    assert TerritorySettings.current().tier_mode == "thresholds"
    data["C-top_share_percent"] = 25
    assert client.post(url, data).status_code == 302
    assert TerritorySettings.current().tier_mode == "share"
    assert TierPolicy.objects.get(tier="C").top_share_percent == 25
