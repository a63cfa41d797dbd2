"""Account health checked against hand-computed figures, from the signals that deals and
calls register (accounts imports neither)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.health.models import AccountHealth
from accounts.health.scoring import band_for
from accounts.health.services import health_figures, health_recompute
from calls.models import Call
from deals.models import Deal
from tests.calls.factories import complete, plan
from tests.factories import AccountFactory, DealFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)


def at(days_ago):
    moment = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time())
    return moment.replace(hour=12, tzinfo=UTC)


def won(account, amount, days_ago):
    deal = DealFactory(owner=account.owner, account=account, amount=amount)
    Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.WON, closed_at=at(days_ago))


def lost(account, days_ago):
    deal = DealFactory(owner=account.owner, account=account, amount=5000)
    Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.LOST, closed_at=at(days_ago))


def held_call(account, days_ago):
    call = complete(plan(account.owner, account=account))
    Call.objects.filter(pk=call.pk).update(completed_at=at(days_ago))


def test_it_scores_an_account_from_every_signal_by_hand(rep):
    # given a managed account: last held call 74 days ago, 40k won in the last 12 months
    # against 100k the 12 before, one deal lost 20 days ago
    account = AccountFactory(owner=rep, is_managed=True)
    held_call(account, 74)
    held_call(account, 200)
    won(account, 40000, 100)
    won(account, 100000, 500)
    lost(account, 20)
    # when its health is computed
    figure = health_figures(account_ids=[account.pk], today=TODAY)[account.pk]
    # then each signal costs what the hand computation says:
    #   calls: (74 - 30) / (90 - 30) * 25 = 18.3 -> -18
    #   revenue: (1 - 40/100) * 20 = 12 -> -12
    #   lost: 1 of 2 * 15 = 7.5 -> -8
    #   no account plan: -10; no overdue action: 0
    #   no open pipeline: -10; no renewal due: 0; no contact engaged (the calls are
    #   with the account, not a person): -10
    points = {s["key"]: (s["value"], s["points"]) for s in figure["signals"]}
    assert points == {
        "calls.last_held_call": (74, -18),
        "calls.contacts_engaged": (None, -10),
        "deals.revenue_trend": ({"last": 40000.0, "before": 100000.0}, -12),
        "deals.open_pipeline": (None, -10),
        "deals.renewals_due": (None, 0),
        "deals.lost_recently": (1, -8),
        "accounts.plan_current": (None, -10),
        "accounts.overdue_actions": (None, 0),
    }
    assert (figure["score"], figure["band"]) == (32, "at_risk")
    reasons = [s["reason"] for s in figure["signals"]]
    assert "No held call for 74 days" in reasons
    assert "Won 40,000 in the last 12 months against 100,000 the 12 before" in reasons


def test_an_account_with_no_history_loses_the_call_and_plan_signals(rep):
    account = AccountFactory(owner=rep, is_managed=True)
    figure = health_figures(account_ids=[account.pk], today=TODAY)[account.pk]
    assert figure["score"] == 45
    assert [s["reason"] for s in figure["signals"] if s["points"]] == [
        "No open pipeline",
        "No held call on record",
        "No contact engaged in the last 90 days",
        "No account plan",
    ]


def test_bands_split_at_70_and_40():
    assert [band_for(s) for s in (100, 70, 69, 40, 39, 0)] == [
        "healthy",
        "healthy",
        "watch",
        "watch",
        "at_risk",
        "at_risk",
    ]


def test_the_recompute_stores_every_managed_account_in_batches_and_twice_the_same(
    rep, django_assert_max_num_queries
):
    managed = [AccountFactory(owner=rep, is_managed=True) for _ in range(5)]
    AccountFactory(owner=rep)  # not managed: not scored
    for account in managed[:2]:
        held_call(account, 3)
    # one query for the ids, then per batch of 2: settings, eight signals (one reads the
    # plan settings), the bands before, two upserts, the drops, and the savepoints
    with django_assert_max_num_queries(1 + 3 * 16):
        assert health_recompute(today=TODAY, batch_size=2) == 5
    first = dict(AccountHealth.objects.values_list("account_id", "score"))
    health_recompute(today=TODAY, batch_size=2)
    assert dict(AccountHealth.objects.values_list("account_id", "score")) == first
    # no plan -10, no open pipeline -10, no contact engaged -10; no held call -25
    assert first == {a.pk: (70 if i < 2 else 45) for i, a in enumerate(managed)}


def test_admin_weights_and_bands_change_the_score(rep, admin):
    from accounts.health.services import health_settings_update

    account = AccountFactory(owner=rep, is_managed=True)
    health_settings_update(
        actor=admin, healthy_from=90, watch_from=60, weights={"calls.last_held_call": 40}
    )
    figure = health_figures(account_ids=[account.pk], today=TODAY)[account.pk]
    # no held call: -40 (the admin's weight), no plan: -10, no open pipeline -10,
    # no contact engaged -10
    assert (figure["score"], figure["band"]) == (30, "at_risk")


def test_bad_health_settings_are_refused_and_only_admins_change_them(rep, admin):
    from django.core.exceptions import PermissionDenied, ValidationError

    from accounts.health.models import HealthSettings
    from accounts.health.services import health_settings_update

    with pytest.raises(ValidationError) as refused:
        health_settings_update(
            actor=admin, healthy_from=40, watch_from=70, weights={"nope": 5, "calls.x": 1}
        )
    assert refused.value.message_dict == {
        "healthy_from": ["Bands need 0 < watch from < healthy from ≤ 100."],
        "weights": ["No such signal: calls.x, nope."],
    }
    with pytest.raises(ValidationError):
        health_settings_update(
            actor=admin, healthy_from=70, watch_from=40, weights={"calls.last_held_call": 101}
        )
    with pytest.raises(PermissionDenied):
        health_settings_update(actor=rep, healthy_from=70, watch_from=40, weights={})
    assert not HealthSettings.objects.exists()


def test_a_drop_into_at_risk_notifies_the_account_manager_and_their_manager_once(
    rep, kam, manager, django_capture_on_commit_callbacks
):
    from accounts.health.models import HealthSnapshot
    from salesproc.models import Event, Notification

    account = AccountFactory(owner=rep, is_managed=True, account_manager=kam, name="Acme")
    held_call(account, 3)
    with django_capture_on_commit_callbacks(execute=True):
        health_recompute(today=TODAY)  # 70: healthy
    # later: two deals lost 10 days before, won revenue down to a tenth, calls stopped
    lost(account, -70)
    lost(account, -68)
    won(account, 10000, 100)
    won(account, 100000, 500)
    later = TODAY + timedelta(days=80)  # the last call is now 83 days old
    with django_capture_on_commit_callbacks(execute=True):
        health_recompute(today=later)
        health_recompute(today=later)  # still at risk: no second drop
    # 100 - 22 (83 days) - 18 (a tenth of the revenue) - 15 (two lost) - 10 (no plan)
    # - 10 (no open pipeline) - 10 (no contact engaged)
    assert AccountHealth.objects.get(account=account).score == 15
    assert Event.objects.filter(name="account.health_at_risk").count() == 1
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "kim",
        "manager",
    ]
    assert Notification.objects.filter(text__startswith="Acme is at risk").count() == 2
    assert list(HealthSnapshot.objects.values_list("week", "band")) == [
        (date(2026, 11, 30), "healthy"),
        (date(2027, 2, 15), "at_risk"),
    ]
