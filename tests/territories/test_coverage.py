"""Coverage (visited within the tier's window, overdue accounts, potential covered, map)
and territory balance; bounded queries at 10 and 1,000 accounts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from calls.models import Call
from territories.models import AccountTerritory, PotentialBand, RepBase

pytestmark = pytest.mark.django_db


def held(account, owner, days_ago):
    when = timezone.now() - timedelta(days=days_ago)
    return Call.objects.create(
        owner=owner,
        account=account,
        scheduled_at=when,
        status=Call.Status.COMPLETED,
        result=Call.Result.HELD,
        completed_at=when,
        purpose="Visit",
    )


@pytest.fixture
def covered_territory(teammate, north_west, make_account):
    """Two tier A accounts (window 14 days): one seen 3 days ago, one 20 days ago;
    a tier D account (window 84 days) seen 30 days ago; a D account never visited."""
    PotentialBand.objects.create(industry="Big", yearly_value=Decimal("200000"))
    seen = make_account(
        name="Seen", industry="Big", latitude=Decimal("53.4"), longitude=Decimal("-2.2")
    )
    late = make_account(
        name="Late", industry="Big", latitude=Decimal("53.5"), longitude=Decimal("-2.3")
    )
    small = make_account(name="Small", industry="Small")
    never = make_account(name="Never", industry="Small")
    for account in (seen, late, small, never):
        AccountTerritory.objects.create(account=account, territory=north_west)
    held(seen, teammate, 3)
    held(late, teammate, 20)
    held(small, teammate, 30)
    RepBase.objects.create(rep=teammate, latitude=Decimal("53.48"), longitude=Decimal("-2.24"))
    return {"seen": seen, "late": late, "small": small, "never": never}


def test_coverage_counts_visits_within_the_window_and_lists_the_overdue(
    api_as, teammate, north_west, covered_territory
):
    body = api_as(teammate).get(f"/api/v1/reports/coverage/?territory={north_west.pk}").json()
    tiers = {t["tier"]: t for t in body["tiers"]}
    assert (tiers["A"]["accounts"], tiers["A"]["visited"], tiers["A"]["percent"]) == (2, 1, 50)
    assert (tiers["D"]["accounts"], tiers["D"]["visited"], tiers["D"]["percent"]) == (2, 1, 50)
    assert [(o["name"], o["days_overdue"]) for o in body["overdue"]] == [
        ("Late", 6),
        ("Never", None),
    ]
    assert body["potential"] == 400000.0
    assert body["potential_covered"] == 200000.0
    assert body["potential_percent"] == 50


def test_the_coverage_page_shows_the_map_and_the_overdue(client, teammate, covered_territory):
    client.force_login(teammate)
    page = client.get(reverse("territories:coverage")).content.decode()
    assert page.count('fill-opacity=".7"') == 2  # only accounts with coordinates
    assert "Base of" in page
    assert "never visited" in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


@pytest.mark.parametrize("count", [10, 1000])
def test_coverage_and_balance_run_a_bounded_number_of_queries(
    client, manager, teammate, north_west, count, django_assert_max_num_queries
):
    accounts = Account.objects.bulk_create(
        [
            Account(
                name=f"A{n}", owner=teammate, latitude=Decimal("53.4"), longitude=Decimal("-2.2")
            )
            for n in range(count)
        ]
    )
    AccountTerritory.objects.bulk_create(
        [AccountTerritory(account=a, territory=north_west) for a in accounts]
    )
    client.force_login(manager)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("territories:coverage")).status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get(reverse("territories:balance")).content.decode()
    assert f'<td class="num">{count}</td>' in page


def test_balance_shows_an_overloaded_territory(
    api_as, manager, teammate, north_west, covered_territory
):
    from territories.patterns.services import call_pattern_generate

    call_pattern_generate(actor=teammate, rep=teammate, weeks=4, visits_per_day=5, working_days=1)
    rows = api_as(manager).get("/api/v1/reports/territory-balance/").json()
    # Tier A needs 2 visits every 4 weeks each, tier D a third of one: 4.67 -> 5 visits
    assert [(r["name"], r["accounts"], r["required"], r["capacity"]) for r in rows] == [
        ("North-West", 4, 5, 20)
    ]
    assert rows[0]["overloaded"] is False


def test_coverage_of_another_team_is_refused(
    api_as, client, other_manager, teammate, north_west, covered_territory
):
    response = api_as(other_manager).get(f"/api/v1/reports/coverage/?territory={north_west.pk}")
    assert response.status_code == 400
    assert response.json() == {"territory": ["Choose a territory you can see."]}
    assert (
        api_as(other_manager).get(f"/api/v1/reports/coverage/?rep={teammate.pk}").status_code == 400
    )
    assert api_as(other_manager).get("/api/v1/reports/coverage/?rep=abc").status_code == 400
    assert api_as(teammate).get("/api/v1/reports/territory-balance/").status_code == 403
    client.force_login(teammate)
    assert client.get(reverse("territories:balance")).status_code == 403


@pytest.mark.parametrize("mode", ["thresholds", "share"])
def test_the_report_table_tiers_accounts_like_the_account_pages(
    admin, teammate, north_west, yorkshire, make_account, mode
):
    """The set-wise table of the reports and `with_tier` (account pages, patterns, plans)
    give every account the same potential and tier, in both tier modes, ties included."""
    from territories.models import PotentialOverride, TerritorySettings
    from territories.potential import table
    from territories.potential.selectors import with_tier
    from tests.factories import DealFactory

    TerritorySettings.objects.update_or_create(pk=1, defaults={"tier_mode": mode})
    PotentialBand.objects.create(industry="", yearly_value=Decimal("8000"))
    PotentialBand.objects.create(industry="Big", employees_min=100, yearly_value=Decimal("90000"))
    PotentialBand.objects.create(
        industry="Big", basis="revenue", revenue_min=Decimal("1000000"), yearly_value=150000
    )
    for n in range(23):
        account = make_account(
            name=f"T{n}",
            industry="Big" if n % 3 == 0 else "Small",
            employee_count=50 * n,
            annual_revenue=Decimal(250000 * n) if n % 2 else None,
        )
        AccountTerritory.objects.create(account=account, territory=(north_west, yorkshire)[n % 2])
        if n % 5 == 0:
            DealFactory(account=account, owner=teammate, amount=Decimal(7000 * n))
        if n == 7:
            PotentialOverride.objects.create(account=account, value=500000, reason="Known")
    ids = [north_west.pk, yorkshire.pk]
    sql, params = table.tiered_accounts(territory_ids=ids, user=admin)
    from_table = {
        r["id"]: (table.money(r["potential"]), r["tier"])
        for r in table.run(f"SELECT * FROM ({sql}) c", params)
    }
    from accounts.models import Account

    from_orm = {
        pk: (potential.quantize(Decimal("0.01")), tier)
        for pk, potential, tier in with_tier(
            Account.objects.filter(territory_assignment__territory_id__in=ids), territory_ids=ids
        ).values_list("pk", "potential", "tier")
    }
    assert from_table == from_orm
    assert len({tier for _p, tier in from_table.values()}) >= 3
