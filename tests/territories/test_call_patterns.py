"""Call patterns: greedy allocation is optimal (against brute force), routing by
geography, generation within capacity, idempotent acceptance into planned calls."""

import itertools
import random
from decimal import Decimal

import pytest

from calls.models import Call
from territories.models import AccountTerritory, CallPattern, PatternVisit, PotentialBand, RepBase
from territories.patterns import optimiser, routing

MANCHESTER = (53.4808, -2.2426)


def brute_force(candidates, capacity):
    best = -1.0
    ranges = [range(c.minimum, c.maximum + 1) for c in candidates]
    for visits in itertools.product(*ranges):
        if sum(visits) <= capacity:
            value = sum(
                optimiser.total_return(c, n) for c, n in zip(candidates, visits, strict=True)
            )
            best = max(best, value)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_greedy_allocation_matches_brute_force(seed):
    rnd = random.Random(seed)
    candidates = []
    for n in range(rnd.randint(1, 4)):
        maximum = rnd.randint(1, 4)
        candidates.append(
            optimiser.Candidate(
                account_id=n,
                potential=rnd.choice([1000, 5000, 20000, 80000]),
                p=rnd.choice([0.05, 0.1, 0.3]),
                r=rnd.choice([0.3, 0.6, 0.9, 1.0]),
                minimum=rnd.randint(0, maximum),
                maximum=maximum,
            )
        )
    required = sum(c.minimum for c in candidates)
    capacity = required + rnd.randint(0, 6)
    allocation = optimiser.allocate(candidates, capacity)
    value = sum(optimiser.total_return(c, allocation[c.account_id]) for c in candidates)
    assert sum(allocation.values()) <= capacity
    assert all(c.minimum <= allocation[c.account_id] <= c.maximum for c in candidates)
    assert value == pytest.approx(brute_force(candidates, capacity))


def test_visits_keep_the_minimum_gap_in_whole_weeks():
    assert [optimiser.most_visits(4, gap) for gap in (0, 7, 10, 14, 15, 60)] == [4, 4, 2, 2, 2, 1]
    assert optimiser.most_visits(12, 10) == 6


def test_a_capacity_below_the_minimums_is_refused():
    candidate = optimiser.Candidate(1, 1000, 0.1, 0.5, minimum=3, maximum=4)
    with pytest.raises(optimiser.CapacityTooSmall):
        optimiser.allocate([candidate], 2)


def test_routing_goes_nearest_first_and_days_are_geographic_clusters():
    base = MANCHESTER
    stops = [
        ("leeds", (53.8008, -1.5491)),
        ("bolton", (53.5769, -2.4282)),
        ("york", (53.9590, -1.0815)),
        ("salford", (53.4875, -2.2901)),
    ]
    days = routing.plan_days(base, stops, visits_per_day=2, working_days=5)
    assert [[key for key, _km in days[d]] for d in sorted(days)] == [
        ["salford", "bolton"],
        ["leeds", "york"],
    ]
    first_leg = days[1][0][1]
    assert first_leg == pytest.approx(routing.distance_km(base, (53.4875, -2.2901)))
    assert routing.distance_km(MANCHESTER, (51.5072, -0.1276)) == pytest.approx(262, abs=1.5)


@pytest.fixture
def field_territory(db, teammate, north_west, make_account):
    """Bob's North-West: two big accounts and four small ones, and his base."""
    PotentialBand.objects.create(industry="Big", yearly_value=Decimal("200000"))
    PotentialBand.objects.create(industry="Small", yearly_value=Decimal("5000"))
    accounts = []
    for n, industry in enumerate(["Big", "Big", "Small", "Small", "Small", "Small"]):
        account = make_account(
            name=f"Account {n}",
            industry=industry,
            latitude=Decimal(str(53.40 + n * 0.03)),
            longitude=Decimal(str(-2.30 + n * 0.02)),
        )
        AccountTerritory.objects.create(account=account, territory=north_west)
        accounts.append(account)
    RepBase.objects.create(rep=teammate, latitude=Decimal("53.4808"), longitude=Decimal("-2.2426"))
    return accounts


def test_it_plans_the_weeks_within_capacity_and_meets_the_minimums(
    api_as, teammate, field_territory
):
    response = api_as(teammate).post(
        "/api/v1/call-patterns/",
        {"rep": teammate.pk, "weeks": 4, "capacity": {"visits_per_day": 2, "working_days": 2}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [w["number"] for w in body["weeks"]] == [1, 2, 3, 4]
    visits = [v for w in body["weeks"] for v in w["visits"]]
    assert len(visits) <= 16
    assert all(len(w["visits"]) <= 4 for w in body["weeks"])
    per_account = {a.pk: 0 for a in field_territory}
    for visit in visits:
        per_account[visit["account"]] += 1
        assert 1 <= visit["day"] <= 2
    big, small = field_territory[:2], field_territory[2:]
    # Tier A asks 2 visits per 4 weeks, no closer than 10 days (every other week): the
    # big accounts get them, in weeks 1 and 3
    assert all(per_account[a.pk] == 2 for a in big)
    weeks_of_big = [
        w["number"] for w in body["weeks"] for v in w["visits"] if v["account"] == big[0].pk
    ]
    assert weeks_of_big == [1, 3]
    assert all(per_account[a.pk] == 1 for a in small)  # a 60-day gap: one visit in 4 weeks
    assert body["expected_return"] == pytest.approx(
        sum(v["expected_return"] for v in visits), abs=0.05
    )
    assert body["current_expected_return"] == 0


@pytest.mark.parametrize(
    ("weeks", "capacity", "field"),
    [
        (4, {"visits_per_day": 0, "working_days": 5}, "visits_per_day"),
        (4, {"visits_per_day": 3, "working_days": 0}, "working_days"),
        # 12 weeks: tier A owes 6 visits each, tier D one each: 16 > 12
        (12, {"visits_per_day": 1, "working_days": 1}, "visits_per_day"),
    ],
)
def test_bad_capacity_is_400(api_as, teammate, field_territory, weeks, capacity, field):
    response = api_as(teammate).post(
        "/api/v1/call-patterns/",
        {"rep": teammate.pk, "weeks": weeks, "capacity": capacity},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not CallPattern.objects.exists()


def test_a_rep_without_a_base_gets_a_clear_400(api_as, teammate, field_territory):
    RepBase.objects.all().delete()
    response = api_as(teammate).post(
        "/api/v1/call-patterns/",
        {"rep": teammate.pk, "weeks": 2, "capacity": {"visits_per_day": 4, "working_days": 4}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["base"] == [
        "Bob " + teammate.last_name + " has no base location yet: set where their days start first."
    ]


def test_accepting_weeks_plans_calls_once(api_as, teammate, field_territory):
    client = api_as(teammate)
    pattern = client.post(
        "/api/v1/call-patterns/",
        {"rep": teammate.pk, "weeks": 4, "capacity": {"visits_per_day": 2, "working_days": 3}},
        format="json",
    ).json()
    expected = PatternVisit.objects.filter(pattern_id=pattern["id"], week__in=[1, 2]).count()
    first = client.post(
        f"/api/v1/call-patterns/{pattern['id']}/accept/", {"weeks": [1, 2]}, format="json"
    )
    assert first.status_code == 200
    assert len(first.json()["calls"]) == expected > 0
    calls = Call.objects.filter(pk__in=first.json()["calls"])
    assert {c.owner_id for c in calls} == {teammate.pk}
    assert all(c.status == "planned" and c.account_id for c in calls)
    assert all(c.purpose.startswith("Tier ") for c in calls)
    again = client.post(
        f"/api/v1/call-patterns/{pattern['id']}/accept/", {"weeks": [1, 2]}, format="json"
    )
    assert again.json() == {"calls": []}
    assert Call.objects.count() == expected
    bad = client.post(
        f"/api/v1/call-patterns/{pattern['id']}/accept/", {"weeks": [9]}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json() == {"weeks": ["This pattern has weeks 1 to 4; not 9."]}


def test_another_team_cannot_see_or_accept_a_pattern(
    api_as, teammate, other_manager, field_territory
):
    pattern = (
        api_as(teammate)
        .post(
            "/api/v1/call-patterns/",
            {"rep": teammate.pk, "weeks": 2, "capacity": {"visits_per_day": 4, "working_days": 4}},
            format="json",
        )
        .json()
    )
    outsider = api_as(other_manager)
    assert outsider.get(f"/api/v1/call-patterns/{pattern['id']}/").status_code == 404
    assert (
        outsider.post(
            f"/api/v1/call-patterns/{pattern['id']}/accept/", {"weeks": [1]}, format="json"
        ).status_code
        == 404
    )
    refused = outsider.post(
        "/api/v1/call-patterns/",
        {"rep": teammate.pk, "weeks": 2, "capacity": {"visits_per_day": 4, "working_days": 4}},
        format="json",
    )
    assert refused.status_code == 400
    assert not Call.objects.exists()
    assert CallPattern.objects.count() == 1
