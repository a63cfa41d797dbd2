"""GET /api/v1/accounts/{id}/health/, /api/v1/health-settings/ and the settings page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.health.models import AccountHealth, HealthSettings, HealthSnapshot
from accounts.health.services import health_recompute, week_of
from tests.conftest import api_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_health_endpoint_gives_score_band_signals_and_trend(rep, kam):
    account = AccountFactory(owner=rep, account_manager=kam, is_managed=True)
    health_recompute()
    body = api_for(kam).get(f"/api/v1/accounts/{account.pk}/health/").json()
    # no held call -25, no open pipeline -10, no contact engaged -10, no plan -10
    assert (body["score"], body["band"]) == (45, "watch")
    calls = next(s for s in body["signals"] if s["key"] == "calls.last_held_call")
    assert (calls["value"], calls["points"], calls["label"]) == (
        None,
        -25,
        "Days since the last held call",
    )
    assert body["trend"] == [
        {"week": week_of(timezone.localdate()).isoformat(), "score": 45, "band": "watch"}
    ]


def test_the_health_of_another_teams_account_is_a_404(rep, kam, other_kam):
    account = AccountFactory(owner=rep, account_manager=kam, is_managed=True)
    assert api_for(other_kam).get(f"/api/v1/accounts/{account.pk}/health/").status_code == 404


def test_the_account_page_shows_the_trend_chart(client, rep, kam):
    account = AccountFactory(owner=rep, account_manager=kam, is_managed=True)
    AccountHealth.objects.create(account=account, score=50, band="watch", signals=[])
    this_week = week_of(timezone.localdate())
    for weeks_back, score in ((1, 80), (0, 50)):
        HealthSnapshot.objects.create(
            account=account, week=this_week - timedelta(weeks=weeks_back), score=score, band="watch"
        )
    client.force_login(kam)
    body = client.get(f"/accounts/companies/{account.pk}/").content.decode()
    assert "Health over the last 13 weeks" in body


def test_health_settings_over_the_api_admins_write(admin, rep):
    read = api_for(rep).get("/api/v1/health-settings/").json()
    assert (read["healthy_from"], read["watch_from"], read["weights"]["calls.last_held_call"]) == (
        70,
        40,
        25,
    )
    refused = api_for(rep).put(
        "/api/v1/health-settings/",
        {"healthy_from": 80, "watch_from": 50, "weights": {}},
        format="json",
    )
    assert refused.status_code == 403
    bad = api_for(admin).put(
        "/api/v1/health-settings/",
        {"healthy_from": 30, "watch_from": 50, "weights": {"x": 1}},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"healthy_from", "weights"}
    assert not HealthSettings.objects.exists()
    ok = api_for(admin).put(
        "/api/v1/health-settings/",
        {"healthy_from": 80, "watch_from": 50, "weights": {"calls.last_held_call": 30}},
        format="json",
    )
    assert ok.json()["weights"]["calls.last_held_call"] == 30
    assert HealthSettings.objects.get().healthy_from == 80


def test_the_settings_page_previews_and_saves(client, admin, rep, kam):
    AccountFactory(owner=rep, account_manager=kam, is_managed=True)
    client.force_login(admin)
    form = {
        "healthy_from": 70,
        "watch_from": 66,
        "weight_calls.last_held_call": 25,
        "weight_deals.revenue_trend": 20,
        "weight_deals.lost_recently": 15,
        "weight_accounts.plan_current": 10,
        "weight_accounts.overdue_actions": 10,
        "weight_deals.open_pipeline": 10,
        "weight_deals.renewals_due": 15,
        "weight_calls.contacts_engaged": 10,
    }
    preview = client.post("/accounts/settings/health/", {**form, "preview": "1"})
    rows = {r["band"]: (r["now"], r["then"]) for r in preview.context["preview"]["rows"]}
    assert rows == {"Healthy": (0, 0), "Watch": (1, 0), "At risk": (0, 1)}
    assert not HealthSettings.objects.exists()
    saved = client.post("/accounts/settings/health/", form)
    assert saved.status_code == 302
    assert HealthSettings.objects.get().watch_from == 66
    bad = client.post("/accounts/settings/health/", {**form, "watch_from": 90})
    assert bad.status_code == 400
    assert "Bands need 0 &lt; watch from &lt; healthy from ≤ 100." in bad.content.decode()


def test_the_settings_page_is_for_admins(client, manager):
    client.force_login(manager)
    assert client.get("/accounts/settings/health/").status_code == 404


def test_the_nightly_task_recomputes(rep):
    from accounts.tasks import recompute_account_health_task

    AccountFactory(owner=rep, is_managed=True)
    assert recompute_account_health_task.delay().get() == 1
    assert AccountHealth.objects.count() == 1
