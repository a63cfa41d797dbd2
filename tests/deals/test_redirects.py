"""`next` on the deal pages: only a path on this site is followed; anything else goes to
the page's default."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.deals.factories import stage

from .report_factories import open_deal

pytestmark = pytest.mark.django_db

OFF_SITE = ["https://evil.example/", "//evil.example", "/\\evil.example", "https:evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_it_sends_the_forecast_override_to_the_forecast_not_off_site(client, manager, rep, target):
    deal = open_deal(rep, 10_000, close=timezone.localdate())
    client.force_login(manager)

    response = client.post(
        reverse("deals:forecast_category", args=[deal.pk]),
        {"category": "commit", "version": deal.version, "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("deals:forecast")
    deal.refresh_from_db()
    assert deal.forecast_category == "commit"


def test_it_follows_a_local_next_after_the_forecast_override(client, manager, rep):
    deal = open_deal(rep, 10_000, close=timezone.localdate())
    client.force_login(manager)

    response = client.post(
        reverse("deals:forecast_category", args=[deal.pk]),
        {"category": "commit", "version": deal.version, "next": "/deals/forecast/?month=2026-01"},
    )

    assert response["Location"] == "/deals/forecast/?month=2026-01"


@pytest.mark.parametrize("target", OFF_SITE)
def test_it_sends_a_move_back_to_the_deal_not_off_site(client, rep, deal, pipeline, target):
    client.force_login(rep)

    response = client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(pipeline, "Discovery").pk, "version": deal.version, "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == deal.get_absolute_url()
    deal.refresh_from_db()
    assert deal.stage.name == "Discovery"


@pytest.mark.parametrize("target", OFF_SITE)
def test_it_never_offers_an_off_site_next_on_the_move_form(client, rep, deal, pipeline, target):
    client.force_login(rep)

    response = client.get(
        f"/deals/{deal.pk}/move/", {"stage": stage(pipeline, "Discovery").pk, "next": target}
    )

    assert response.status_code == 200
    assert response.context["next"] == deal.get_absolute_url()
    assert "evil.example" not in response.content.decode()
