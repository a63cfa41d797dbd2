import pytest

from accounts.models import Account
from tests.factories import AccountFactory, DealFactory


@pytest.mark.django_db
def test_it_shows_each_persona_what_they_may_see(rep, teammate, manager, other_rep, admin):
    # given one account per rep across two teams
    mine = AccountFactory(owner=rep)
    teammates = AccountFactory(owner=teammate)
    theirs = AccountFactory(owner=other_rep)

    # then a rep sees their own, the manager the team's, the admin everything
    assert set(Account.objects.visible_to(rep)) == {mine}
    assert set(Account.objects.visible_to(teammate)) == {teammates}
    assert set(Account.objects.visible_to(manager)) == {mine, teammates}
    assert set(Account.objects.visible_to(other_rep)) == {theirs}
    assert set(Account.objects.visible_to(admin)) == {mine, teammates, theirs}


@pytest.mark.django_db
def test_it_creates_a_deal_with_its_first_stage_in_history(rep):
    deal = DealFactory(owner=rep)
    assert deal.stage.name == "Prospecting"
    assert list(deal.stage_history.values_list("to_stage__name", flat=True)) == ["Prospecting"]
