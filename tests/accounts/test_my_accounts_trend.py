"""My accounts: the health trend column (the score now against four weeks ago, from the
weekly snapshots)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.health.models import AccountHealth, HealthSnapshot
from accounts.models import Account
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def monday(weeks_ago):
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_ago)


def managed(owner, account_manager, name, score, history):
    """history: {weeks ago: score} as weekly snapshots."""
    account = AccountFactory(
        owner=owner, account_manager=account_manager, is_managed=True, name=name
    )
    band = "healthy" if score >= 70 else "watch" if score >= 40 else "at_risk"
    AccountHealth.objects.create(account=account, score=score, band=band, signals=[])
    for weeks_ago, old in history.items():
        HealthSnapshot.objects.create(account=account, week=monday(weeks_ago), score=old, band=band)
    return account


def trends(response):
    return {a.name: (a.health_trend, a.health_before) for a in response.context["page"]}


def test_my_accounts_shows_the_trend_against_four_weeks_ago(client, rep, kam):
    # given Acme went from 60 to 72, Globex from 70 to 45, Hooli stayed at 55, and Initech
    # has only two weeks of history; older and newer snapshots do not count
    managed(rep, kam, "Acme", 72, {8: 20, 4: 60, 1: 90, 0: 72})
    managed(rep, kam, "Globex", 45, {5: 70, 0: 45})  # the last snapshot 4+ weeks old
    managed(rep, kam, "Hooli", 55, {4: 55})
    managed(rep, kam, "Initech", 50, {2: 10, 0: 50})
    client.force_login(kam)
    # when Kim opens My accounts
    response = client.get("/accounts/mine/")
    # then each row compares the score now with four weeks ago
    assert trends(response) == {
        "Acme": (12, 60),
        "Globex": (-25, 70),
        "Hooli": (0, 55),
        "Initech": (None, None),
    }
    body = response.content.decode()
    assert "Trend, 4 weeks" in body
    assert '<span aria-hidden="true">▲</span> +12' in body
    assert '<span aria-hidden="true">▼</span> -25' in body
    assert '<span aria-hidden="true">→</span> 0' in body
    assert "No score four weeks ago to compare with" in body
    # and sorting by the trend puts the steepest drop first
    assert [a.name for a in client.get("/accounts/mine/?sort=trend").context["page"]] == [
        "Globex",
        "Hooli",
        "Acme",
        "Initech",
    ]


def test_another_team_sees_no_trend(client, rep, kam, other_kam):
    managed(rep, kam, "Acme", 72, {4: 60})
    client.force_login(other_kam)
    response = client.get("/accounts/mine/")
    assert list(response.context["page"]) == []
    assert "▲" not in response.content.decode()


def test_a_bad_sort_falls_back_to_the_name(client, rep, kam):
    managed(rep, kam, "Globex", 45, {4: 70})
    managed(rep, kam, "Acme", 72, {4: 60})
    client.force_login(kam)
    response = client.get("/accounts/mine/?sort=trend;drop")
    assert response.status_code == 200
    assert [a.name for a in response.context["page"]] == ["Acme", "Globex"]


@pytest.mark.parametrize("count", [10, 1000])
def test_the_trend_keeps_my_accounts_bounded(
    client, rep, kam, count, django_assert_max_num_queries
):
    accounts = Account.objects.bulk_create(
        Account(name=f"Bulk {n:04d}", owner=rep, account_manager=kam, is_managed=True)
        for n in range(count)
    )
    AccountHealth.objects.bulk_create(
        AccountHealth(account=a, score=50, band="watch", signals=[]) for a in accounts
    )
    HealthSnapshot.objects.bulk_create(
        HealthSnapshot(account=a, week=monday(weeks), score=40 + weeks, band="watch")
        for a in accounts
        for weeks in (0, 4, 8)
    )
    client.force_login(kam)
    with django_assert_max_num_queries(8):
        response = client.get("/accounts/mine/?sort=-trend")
    page = response.context["page"]
    assert len(page) == min(count, 25)
    assert {a.health_trend for a in page} == {6}
