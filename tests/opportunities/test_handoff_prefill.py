"""The handoff debrief starts from the opportunity plan: its stakeholders and their stance
(registered as a HandoffPrefill; accounts imports nothing of opportunities)."""

import pytest

from accounts.handoffs.models import Handoff
from accounts.models import Account
from deals.services import deal_win
from opportunities.hooks import handoff_stakeholders
from opportunities.services import stakeholder_add
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kam(roles, north, manager):
    return UserFactory(username="kim", role=roles["key-account-manager"], team=north)


def test_a_won_deal_hands_over_its_stakeholders_and_their_stance(
    rep, kam, deal, buyer, champion, django_capture_on_commit_callbacks
):
    # given Acme is managed by Kim, and Alice's plan names two stakeholders
    Account.objects.filter(pk=deal.account_id).update(account_manager=kam, is_managed=True)
    stakeholder_add(
        actor=rep,
        deal=deal,
        contact=buyer,
        buying_role="economic_buyer",
        stance="neutral",
        influence="high",
        cares_about=" Payback within a year ",
    )
    stakeholder_add(
        actor=rep, deal=deal, contact=champion, buying_role="champion", stance="supporter"
    )
    # when Alice wins the deal
    with django_capture_on_commit_callbacks(execute=True):
        deal_win(actor=rep, deal=deal)
    # then the handoff debrief lists them, the rest left for Alice to write
    handoff = Handoff.objects.get()
    assert handoff.stakeholders == (
        "Erin Buyer: Economic buyer, neutral, high influence; cares about Payback within a year\n"
        "Carl Champ: Champion, supporter, medium influence"
    )
    assert (handoff.what_was_sold, handoff.promises) == ("", "")


def test_a_deal_without_stakeholders_prefills_nothing(deal):
    assert handoff_stakeholders(deal_id=deal.pk) == {}
    assert handoff_stakeholders(deal_id=deal.pk + 999) == {}
