"""The health signals deals registers for the pipeline and renewals, and the one calls
registers for the contacts engaged, checked against hand-computed figures."""

from datetime import timedelta

import pytest

from accounts.health.services import health_figures
from calls.models import Call
from deals.models import Deal, Stage
from tests.accounts.test_health_figures import TODAY, at, held_call, lost, won
from tests.calls.factories import complete, plan
from tests.factories import AccountFactory, ContactFactory, DealFactory

pytestmark = pytest.mark.django_db


def open_deal(account, amount, *, renewal=False, stage=None, closes_in=None):
    deal = DealFactory(owner=account.owner, account=account, amount=amount)
    changes = {
        "deal_type": Deal.Type.RENEWAL if renewal else Deal.Type.NEW_BUSINESS,
        "expected_close_date": TODAY + timedelta(days=closes_in) if closes_in is not None else None,
    }
    if stage:
        changes["stage"] = Stage.objects.get(pipeline=deal.pipeline, name=stage)
    Deal.objects.filter(pk=deal.pk).update(**changes)
    return deal


def call_with(contact, days_ago):
    call = complete(plan(contact.owner, contact=contact))
    Call.objects.filter(pk=call.pk).update(completed_at=at(days_ago))


def signals(account):
    figure = health_figures(account_ids=[account.pk], today=TODAY)[account.pk]
    rows = {s["key"]: (s["value"], s["points"], s["reason"]) for s in figure["signals"]}
    return figure, rows


def test_renewals_due_cost_what_is_still_missing_to_close_them(rep):
    # given two renewals due in the next 90 days, one at Discovery (25 %), one at
    # Negotiation (75 %), one renewal due later, a new-business deal and a won renewal
    account = AccountFactory(owner=rep, is_managed=True)
    open_deal(account, 10000, renewal=True, stage="Discovery", closes_in=30)
    open_deal(account, 20000, renewal=True, stage="Negotiation", closes_in=90)
    open_deal(account, 30000, renewal=True, stage="Prospecting", closes_in=120)
    open_deal(account, 5000, closes_in=10)
    won(account, 7000, 10)
    # when its health is computed
    figure, rows = signals(account)
    # then 2 renewals due, on average (25 + 75) / 2 = 50 % along: 15 * 50 / 100 = 7.5 -> -8
    assert rows["deals.renewals_due"] == (
        {"due": 2, "progress": 50},
        -8,
        "2 renewals due in the next 90 days, 50 % along",
    )
    # and the open pipeline is 10k + 20k + 30k + 5k = 65k: nothing lost
    assert rows["deals.open_pipeline"] == (65000.0, 0, "Open pipeline 65,000")


def test_an_overdue_renewal_counts_as_due_and_none_due_costs_nothing(rep):
    overdue = AccountFactory(owner=rep, is_managed=True)
    open_deal(overdue, 10000, renewal=True, stage="Prospecting", closes_in=-5)
    quiet = AccountFactory(owner=rep, is_managed=True)
    # 1 renewal 10 % along: 15 * 90 / 100 = 13.5 -> -14
    assert signals(overdue)[1]["deals.renewals_due"] == (
        {"due": 1, "progress": 10},
        -14,
        "1 renewal due in the next 90 days, 10 % along",
    )
    assert signals(quiet)[1]["deals.renewals_due"] == (
        None,
        0,
        "No renewal due in the next 90 days",
    )


def test_contacts_engaged_count_each_person_with_a_held_call_in_90_days_once(rep):
    # given: Ann spoken to 10 and 20 days ago, Ben 100 days ago (too long), and a
    # contact of another account spoken to yesterday
    account = AccountFactory(owner=rep, is_managed=True)
    ann = ContactFactory(owner=rep, account=account)
    ben = ContactFactory(owner=rep, account=account)
    call_with(ann, 10)
    call_with(ann, 20)
    call_with(ben, 100)
    call_with(ContactFactory(owner=rep), 1)
    # then one contact engaged: 10 * (2 - 1) / 2 = -5
    _, rows = signals(account)
    assert rows["calls.contacts_engaged"] == (1, -5, "1 contact engaged in the last 90 days")
    # and once Ben is spoken to again, two are: nothing lost
    call_with(ben, 3)
    _, rows = signals(account)
    assert rows["calls.contacts_engaged"] == (2, 0, "2 contacts engaged in the last 90 days")


def test_the_whole_score_by_hand_with_the_new_signals(rep):
    # given: last held call 74 days ago (with Ann), 40k won in the last 12 months against
    # 100k the 12 before, one deal lost 20 days ago, one renewal 50 % along (Proposal)
    # due in 40 days worth 8k, no account plan
    account = AccountFactory(owner=rep, is_managed=True)
    held_call(account, 74)
    call_with(ContactFactory(owner=rep, account=account), 80)
    won(account, 40000, 100)
    won(account, 100000, 500)
    lost(account, 20)
    open_deal(account, 8000, renewal=True, stage="Proposal", closes_in=40)
    figure, rows = signals(account)
    # revenue -12, open pipeline 0, lost -8, renewals 15 * 0.5 = 7.5 -> -8,
    # last call (74 - 30) / 60 * 25 = 18.3 -> -18, one contact engaged -5, no plan -10,
    # no overdue action 0: 100 - 61 = 39
    assert {k: v[1] for k, v in rows.items()} == {
        "deals.revenue_trend": -12,
        "deals.open_pipeline": 0,
        "deals.lost_recently": -8,
        "deals.renewals_due": -8,
        "calls.last_held_call": -18,
        "calls.contacts_engaged": -5,
        "accounts.plan_current": -10,
        "accounts.overdue_actions": 0,
    }
    assert (figure["score"], figure["band"]) == (39, "at_risk")
