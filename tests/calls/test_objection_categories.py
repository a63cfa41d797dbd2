"""Objection categories are a list (issue 15), and the library's flash reads right."""

import importlib

import pytest
from django.apps import apps
from django.contrib.messages import get_messages

from calls.models import Objection
from tests.calls.factories import ObjectionFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("calls.migrations.0006_objection_category_values")


def test_it_offers_the_categories_as_a_list_on_the_page(client, admin):
    client.force_login(admin)

    page = client.get("/calls/settings/objections/").content.decode()

    assert '<select name="category"' in page
    assert '<option value="competition">Competition</option>' in page


def test_it_saves_a_category_from_the_list(client, admin):
    client.force_login(admin)

    client.post(
        "/calls/settings/objections/",
        {"text": "Busy", "category": "timing", "is_active": "on"},
    )

    assert Objection.objects.get().category == "timing"


def test_it_refuses_a_category_off_the_list_on_the_page_and_the_api(client, admin, api_as):
    client.force_login(admin)

    page = client.post(
        "/calls/settings/objections/", {"text": "Busy", "category": "Weather", "is_active": "on"}
    )
    api = api_as(admin).post(
        "/api/v1/objections/", {"text": "Busy", "category": "Weather"}, format="json"
    )

    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert api.status_code == 400
    assert "category" in api.json()
    assert Objection.objects.count() == 0


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Price", "price"),
        ("budget", "price"),
        ("Competitor", "competition"),
        ("Decision maker", "authority"),
        ("Timing", "timing"),
        ("Weather", "other"),
        ("", ""),
    ],
)
def test_the_migration_maps_free_text_onto_the_list(before, after):
    objection = ObjectionFactory(text=f"Objection {before}")
    Objection.objects.filter(pk=objection.pk).update(category=before)

    migration.forwards(apps, None)

    objection.refresh_from_db()
    assert objection.category == after


def test_it_ends_the_added_message_with_one_full_stop(client, admin):
    client.force_login(admin)

    response = client.post(
        "/calls/settings/objections/",
        {"text": "It's too expensive.", "category": "price", "is_active": "on"},
    )

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Added to the library: “It's too expensive.”"]
