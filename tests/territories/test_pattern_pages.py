"""The "Plan my weeks" pages: form errors, the calendar, acceptance, permissions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from calls.models import Call
from territories.models import AccountTerritory, CallPattern, RepBase

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_accounts(teammate, north_west, make_account):
    from territories.models import PotentialBand

    PotentialBand.objects.create(industry="", yearly_value=Decimal("150000"))
    accounts = [
        make_account(name=f"Account {n}", latitude=Decimal("53.4") + n, longitude=Decimal("-2.2"))
        for n in range(3)
    ]
    for account in accounts:
        AccountTerritory.objects.create(account=account, territory=north_west)
    return accounts


def test_planning_without_a_base_or_with_no_capacity_shows_form_errors(
    client, teammate, bobs_accounts
):
    client.force_login(teammate)
    url = reverse("territories:pattern_plan")
    no_base = client.post(url, {"weeks": 4, "visits_per_day": 3, "working_days": 4, "plan": "1"})
    assert no_base.status_code == 400
    assert "has no base location yet" in no_base.content.decode()
    RepBase.objects.create(rep=teammate, latitude=Decimal("53.48"), longitude=Decimal("-2.24"))
    zero = client.post(url, {"weeks": 4, "visits_per_day": 0, "working_days": 4, "plan": "1"})
    assert zero.status_code == 400
    assert "The capacity must be between 1 and 20 visits a day." in zero.content.decode()
    bad_base = client.post(url, {"latitude": "91", "longitude": "0", "save_base": "1"})
    assert bad_base.status_code == 400
    assert "Latitude must be between -90 and 90." in bad_base.content.decode()
    assert not CallPattern.objects.exists()
    assert RepBase.objects.get(rep=teammate).latitude == Decimal("53.48")


def test_the_pattern_page_shows_the_weeks_and_accepts_them(
    client, teammate, bobs_accounts, django_assert_max_num_queries
):
    RepBase.objects.create(rep=teammate, latitude=Decimal("53.48"), longitude=Decimal("-2.24"))
    client.force_login(teammate)
    response = client.post(
        reverse("territories:pattern_plan"),
        {"weeks": 2, "visits_per_day": 2, "working_days": 2, "plan": "1"},
    )
    pattern = CallPattern.objects.get()
    assert response["Location"] == pattern.get_absolute_url()
    with django_assert_max_num_queries(16):
        page = client.get(pattern.get_absolute_url()).content.decode()
    assert "Week 2" in page and "Account 0" in page
    client.post(pattern.get_absolute_url(), {"weeks": ["1"]})
    planned = Call.objects.filter(owner=teammate).count()
    assert planned == pattern.visits.filter(week=1).count() > 0
    again = client.post(pattern.get_absolute_url(), {"weeks": ["1"]}, follow=True)
    assert "already accepted" in again.content.decode()
    assert Call.objects.count() == planned
    none = client.post(pattern.get_absolute_url(), {})
    assert none.status_code == 400


def test_another_team_gets_a_404_and_a_manager_cannot_accept_for_the_rep(
    client, teammate, manager, other_manager, bobs_accounts
):
    RepBase.objects.create(rep=teammate, latitude=Decimal("53.48"), longitude=Decimal("-2.24"))
    from territories.patterns.services import call_pattern_generate

    pattern = call_pattern_generate(
        actor=teammate, rep=teammate, weeks=2, visits_per_day=2, working_days=2
    )
    client.force_login(other_manager)
    assert client.get(pattern.get_absolute_url()).status_code == 404
    assert client.post(pattern.get_absolute_url(), {"weeks": ["1"]}).status_code == 404
    client.force_login(manager)
    page = client.get(pattern.get_absolute_url())
    assert page.status_code == 200
    assert "Accept these weeks" not in page.content.decode()
    assert client.post(pattern.get_absolute_url(), {"weeks": ["1"]}).status_code == 400
    assert not Call.objects.exists()
