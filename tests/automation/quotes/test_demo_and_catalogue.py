"""The demo seeder, the event catalogue and the daily expiry in the beat schedule."""

import pytest

from accounts.demo import seed as seed_accounts
from automation.quotes.demo import seed_quotes
from automation.quotes.models import Quote
from deals.demo import seed as seed_deals
from salesproc.celery import app as celery_app
from salesproc.demo import seed_people
from salesproc.registry import event_type


@pytest.mark.django_db
def test_the_demo_has_quotes_on_a_dozen_deals_in_every_status_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_people()
    seed_accounts()
    seed_deals()
    seed_quotes()
    first = Quote.objects.count()
    seed_quotes()
    assert Quote.objects.count() == first == 13  # twelve deals, one revised
    assert Quote.objects.values("deal").distinct().count() == 12
    assert set(Quote.objects.values_list("status", flat=True)) == set(Quote.Status.values)
    assert set(Quote.objects.values_list("approval", flat=True)) >= {"pending", "approved"}
    assert Quote.objects.filter(version=2).count() == 1
    from automation.quotes.services import company_settings

    assert company_settings().name == "Northwind Software Ltd"


def test_every_quote_event_is_in_the_catalogue():
    for name in (
        "quote.created",
        "quote.updated",
        "quote.revised",
        "quote.sent",
        "quote.accepted",
        "quote.declined",
        "quote.expired",
        "quote.approval_requested",
        "quote.approved",
        "quote.rejected",
        "quote.settings_changed",
    ):
        assert event_type(name) is not None, name
    assert set(event_type("quote.accepted").example) == {"deal_id", "quote_id", "number"}


def test_the_daily_expiry_is_scheduled_and_registered():
    entries = [e["task"] for e in celery_app.conf.beat_schedule.values()]
    assert "automation.quotes.tasks.expire_quotes_task" in entries
    assert "automation.quotes.tasks.expire_quotes_task" in celery_app.tasks
