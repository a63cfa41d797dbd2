"""The potential model (a yearly value per industry and size band, by employees or by
annual revenue) and the territory plan's prompts, set by an admin on in-app settings
pages and over the API; overlapping bands and negative values are refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from territories.models import PotentialBand, TerritorySettings, TierPolicy
from territories.plans.services import target_limits
from territories.potential.selectors import potential_for_account

pytestmark = pytest.mark.django_db


def test_a_band_by_revenue_or_by_employees_sets_the_potential(admin, teammate, make_account):
    PotentialBand.objects.create(
        industry="Retail", basis="revenue", revenue_min=Decimal("1000000"), yearly_value=90000
    )
    PotentialBand.objects.create(
        industry="Retail", basis="employees", employees_max=49, yearly_value=5000
    )
    PotentialBand.objects.create(industry="", basis="employees", yearly_value=1000)
    rich = make_account(name="Rich", industry="retail", annual_revenue=Decimal("2500000"))
    small = make_account(name="Small", industry="Retail", employee_count=12)
    other = make_account(name="Other", industry="Mining", employee_count=5000)
    values = {
        a.name: potential_for_account(user=teammate, pk=a.pk).band_value
        for a in (rich, small, other)
    }
    assert values == {"Rich": Decimal("90000"), "Small": Decimal("5000"), "Other": Decimal("1000")}


def test_admins_edit_bands_over_the_api_and_bad_ones_are_400(api_as, admin, manager):
    client = api_as(admin)
    created = client.post(
        "/api/v1/potential-bands/",
        {
            "industry": "Retail",
            "basis": "revenue",
            "revenue_min": 0,
            "revenue_max": 999999.99,
            "yearly_value": 20000,
        },  # fmt: skip
        format="json",
    )
    assert created.status_code == 201, created.json()
    band = created.json()
    assert (band["basis"], band["revenue_max"], band["employees_min"]) == (
        "revenue",
        999999.99,
        None,
    )
    overlapping = client.post(
        "/api/v1/potential-bands/",
        {"industry": "retail", "basis": "revenue", "revenue_min": 500000, "yearly_value": 1},
        format="json",
    )
    assert overlapping.status_code == 400
    assert "overlaps Retail" in overlapping.json()["revenue_min"][0]
    # Another basis, or the next range, is fine.
    assert (
        client.post(
            "/api/v1/potential-bands/",
            {"industry": "Retail", "basis": "revenue", "revenue_min": 1000000, "yearly_value": 9},
            format="json",
        ).status_code
        == 201
    )
    for bad, field in (
        ({"basis": "employees", "employees_min": -1, "yearly_value": 5}, "employees_min"),
        ({"basis": "employees", "yearly_value": -5}, "yearly_value"),
        (
            {"basis": "employees", "employees_min": 50, "employees_max": 10, "yearly_value": 5},
            "employees_max",
        ),  # fmt: skip
        ({"basis": "weight", "yearly_value": 5}, "basis"),
    ):
        response = client.post("/api/v1/potential-bands/", bad, format="json")
        assert response.status_code == 400, bad
        assert field in response.json(), response.json()
    changed = client.patch(
        f"/api/v1/potential-bands/{band['id']}/", {"yearly_value": 25000}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["yearly_value"] == 25000
    assert PotentialBand.objects.count() == 2
    # A manager reads the model but cannot change it.
    assert api_as(manager).get("/api/v1/potential-bands/").status_code == 200
    refused = api_as(manager).post(
        "/api/v1/potential-bands/", {"basis": "employees", "yearly_value": 1}, format="json"
    )
    assert refused.status_code == 403
    assert api_as(manager).delete(f"/api/v1/potential-bands/{band['id']}/").status_code == 403
    assert PotentialBand.objects.count() == 2


def test_the_potential_model_page_adds_edits_refuses_and_removes(client, admin, manager):
    url = reverse("territories:potential_bands")
    client.force_login(manager)
    assert client.get(url).status_code in (403, 404)
    client.force_login(admin)
    assert client.get(url).status_code == 200
    ok = client.post(
        url,
        {
            "industry": "Retail",
            "basis": "employees",
            "size_min": "0",
            "size_max": "49",
            "yearly_value": "5000",
        },  # fmt: skip
    )
    assert ok.status_code == 302
    band = PotentialBand.objects.get()
    assert (band.employees_min, band.employees_max, band.revenue_min) == (0, 49, None)
    overlap = client.post(
        url, {"industry": "Retail", "basis": "employees", "size_min": "40", "yearly_value": "1"}
    )
    assert overlap.status_code == 400
    assert "overlaps Retail, 0–49 employees" in overlap.context["form"].errors["size_min"][0]
    negative = client.post(url, {"basis": "revenue", "size_min": "-3", "yearly_value": "1"})
    assert negative.status_code == 400
    assert "size_min" in negative.context["form"].errors
    assert PotentialBand.objects.count() == 1
    edited = client.post(
        url,
        {
            "band": band.pk,
            "industry": "Retail",
            "basis": "revenue",
            "size_min": "100000",
            "size_max": "",
            "yearly_value": "7000",
        },  # fmt: skip
    )
    assert edited.status_code == 302
    band.refresh_from_db()
    assert (band.basis, band.revenue_min, band.employees_min, band.yearly_value) == (
        "revenue",
        Decimal("100000.00"),
        None,
        Decimal("7000.00"),
    )
    page = client.get(url).content.decode()
    assert "100,000–any revenue" in page and "?band=" in page
    assert client.post(url, {"band": band.pk, "delete": "1"}).status_code == 302
    assert not PotentialBand.objects.exists()


def test_the_settings_page_sets_the_plan_prompts(client, admin, manager):
    url = reverse("territories:settings")
    client.force_login(manager)
    assert client.get(url).status_code in (403, 404)
    client.force_login(admin)
    response = client.post(
        url,
        {
            "owner_follows_rep": "on",
            "plan_question_accounts": "Which accounts matter most?",
            "plan_question_attention": "How often do we see each?",
            "plan_question_service": "How do we serve them?",
        },
    )
    assert response.status_code == 302
    current = TerritorySettings.current()
    assert current.owner_follows_rep
    assert current.plan_question_accounts == "Which accounts matter most?"
    blank = client.post(url, {"plan_question_accounts": " ", "plan_question_attention": "x",
                              "plan_question_service": "y"})  # fmt: skip
    assert blank.status_code == 400
    assert "plan_question_accounts" in blank.context["form"].errors
    assert TerritorySettings.current().plan_question_accounts == "Which accounts matter most?"


def test_the_admin_sets_how_far_a_plan_may_raise_a_tier(api_as, admin):
    client = api_as(admin)
    response = client.patch("/api/v1/tier-policies/A/", {"plan_max_visits": 4}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["plan_max_visits"] == 4
    assert target_limits(TierPolicy.objects.get(tier="A")) == (2, 4)
    below = client.patch("/api/v1/tier-policies/A/", {"plan_max_visits": 1}, format="json")
    assert below.status_code == 400 and "plan_max_visits" in below.json()
