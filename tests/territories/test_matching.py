"""Rule matching: each condition, priority (first match wins), pins, haversine."""

from decimal import Decimal

import pytest

from territories import matching
from territories.models import AccountTerritory
from territories.services import reassign_accounts

from .factories import RuleFactory

pytestmark = pytest.mark.django_db


def territory_of(account):
    row = AccountTerritory.objects.filter(account=account).first()
    return row.territory if row else None


def test_it_matches_each_condition_and_ignores_case(north_west, make_account):
    # Given a rule asking for a country, a city, a postcode prefix, an industry, a size
    # band and a status
    RuleFactory(
        territory=north_west,
        priority=10,
        countries=["united kingdom"],
        cities=["Manchester"],
        postcode_prefixes=["m1"],
        industries=["Software"],
        employees_min=50,
        employees_max=500,
        statuses=["customer"],
    )
    fits = make_account(city="MANCHESTER", postcode="M1 1AE", employee_count=120, status="customer")
    too_big = make_account(
        city="Manchester", postcode="M1 1AE", employee_count=900, status="customer"
    )
    other_postcode = make_account(city="Manchester", postcode="M21 9XX", status="customer")
    prospect = make_account(city="Manchester", postcode="M1 2AB", status="prospect")
    other_industry = make_account(
        city="Manchester", postcode="M1 2AB", status="customer", industry="Retail"
    )
    # When the rules run
    moved = reassign_accounts()
    # Then only the account meeting every condition is in the territory
    assert moved == 1
    assert territory_of(fits) == north_west
    for account in (too_big, other_postcode, prospect, other_industry):
        assert territory_of(account) is None


def test_the_first_rule_by_priority_wins(north_west, yorkshire, make_account):
    # Given two rules that both match Leeds; Yorkshire's has the lower priority number
    RuleFactory(territory=north_west, priority=20, postcode_prefixes=["L"])
    RuleFactory(territory=yorkshire, priority=10, postcode_prefixes=["LS"])
    leeds = make_account(postcode="LS1 4AP")
    liverpool = make_account(postcode="L1 8JQ")
    # When the rules run
    reassign_accounts()
    # Then Leeds goes to Yorkshire (tried first) and Liverpool to the North-West
    assert territory_of(leeds) == yorkshire
    assert territory_of(liverpool) == north_west


def test_a_radius_uses_the_great_circle_distance(north_west, make_account):
    # Given a 40 km circle around Manchester
    RuleFactory(
        territory=north_west,
        priority=10,
        latitude=Decimal("53.4808"),
        longitude=Decimal("-2.2426"),
        radius_km=Decimal("40"),
    )
    # Bolton is 16 km away, Liverpool 50 km, and one account has no coordinates
    bolton = make_account(latitude=Decimal("53.5769"), longitude=Decimal("-2.4282"))
    liverpool = make_account(latitude=Decimal("53.4084"), longitude=Decimal("-2.9916"))
    nowhere = make_account()
    reassign_accounts()
    assert territory_of(bolton) == north_west
    assert territory_of(liverpool) is None
    assert territory_of(nowhere) is None


def test_haversine_in_sql_gives_the_known_distance(make_account):
    # Manchester to London is 262 km along the earth's surface.
    make_account(latitude=Decimal("53.4808"), longitude=Decimal("-2.2426"))
    from accounts.models import Account

    distance = (
        Account.objects.annotate(d=matching.haversine_km(51.5072, -0.1276))
        .values_list("d", flat=True)
        .get()
    )
    assert distance == pytest.approx(262.0, abs=1.5)


def test_a_pinned_account_stays_whatever_the_rules_say(north_west, yorkshire, make_account):
    RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    account = make_account(postcode="M1 1AE")
    AccountTerritory.objects.create(account=account, territory=yorkshire, pinned=True)
    assert reassign_accounts() == 0
    assert territory_of(account) == yorkshire


def test_an_account_no_rule_matches_any_more_leaves_its_territory(north_west, make_account):
    rule = RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    account = make_account(postcode="M1 1AE")
    reassign_accounts()
    rule.postcode_prefixes = ["SK"]
    rule.save()
    assert reassign_accounts() == 1
    assert territory_of(account) is None
