"""Rules that live in the services only: the forms and serializers shape input and show
the service's error. Covers lost reasons, a new deal's forecast category, the stage a
deal reopens in, best case >= commit, and deleting a product."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from deals import services
from deals.models import Product
from deals.reporting.forms import ForecastSubmitForm
from salesproc.models import Event
from tests.deals.factories import LostReasonFactory, stage
from tests.factories import AccountFactory, DealFactory, ProductFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- lost reasons


@pytest.mark.parametrize(
    ("text", "expected_reason", "expected_detail"),
    [
        ("price", "Price", "Too dear"),
        ("ID", "Price", "Too dear"),
        ("Went with a spreadsheet", None, "Went with a spreadsheet\nToo dear"),
    ],
)
def test_the_service_resolves_a_lost_reason_from_text(
    rep, deal, text, expected_reason, expected_detail
):
    price = LostReasonFactory(name="Price")
    text = str(price.pk) if text == "ID" else text

    lost = services.deal_lose(actor=rep, deal=deal, reason_text=text, detail="Too dear")

    assert (lost.lost_reason.name if lost.lost_reason else None) == expected_reason
    assert lost.lost_reason_detail == expected_detail


def test_the_service_refuses_an_unknown_lost_reason_id(rep, deal):
    with pytest.raises(ValidationError) as error:
        services.deal_lose(actor=rep, deal=deal, reason_text="424242")

    assert error.value.message_dict == {"reason": ["There is no lost reason with id 424242."]}
    deal.refresh_from_db()
    assert deal.status == "open"


# ---------------------------------------------------------------- forecast category on create


def test_it_creates_a_deal_in_the_forecast_category_sent(rep, pipeline, api_as):
    account = AccountFactory(owner=rep)

    response = api_as(rep).post(
        "/api/v1/deals/",
        {"name": "Called as commit", "account": account.pk, "forecast_category": "commit"},
        format="json",
    )

    assert response.status_code == 201, response.data
    assert response.data["forecast_category"] == "commit"


def test_it_refuses_a_closed_forecast_category_on_create(rep, pipeline, api_as):
    account = AccountFactory(owner=rep)

    response = api_as(rep).post(
        "/api/v1/deals/",
        {"name": "Closed already?", "account": account.pk, "forecast_category": "closed"},
        format="json",
    )

    assert response.status_code == 400
    assert response.data["forecast_category"] == [
        "Closed is set when the deal is won; choose another."
    ]
    assert not account.deals.exists()


# ---------------------------------------------------------------- reopening


def test_it_reopens_in_the_stage_the_deal_was_closed_from_when_none_is_chosen(
    client, rep, deal, pipeline
):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))
    deal = services.deal_lose(actor=rep, deal=deal, detail="No budget")
    client.force_login(rep)

    response = client.post(f"/deals/{deal.pk}/reopen/", {"version": deal.version})

    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.stage.name) == ("open", "Discovery")


def test_the_reopen_form_offers_the_services_default_stage(client, rep, deal, pipeline):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))
    deal = services.deal_lose(actor=rep, deal=deal, detail="No budget")
    client.force_login(rep)

    form = client.get(f"/deals/{deal.pk}/reopen/").context["form"]

    assert form["stage"].initial == stage(pipeline, "Discovery").pk


# ---------------------------------------------------------------- forecast submission


def test_the_forecast_form_leaves_best_case_against_commit_to_the_service():
    form = ForecastSubmitForm({"commit_amount": "500", "best_case_amount": "100"})

    assert form.is_valid()  # the shape is right; forecast_submit decides the rule


# ---------------------------------------------------------------- products


def test_it_deletes_an_unsold_product_through_the_service_with_an_event(admin, api_as):
    product = ProductFactory(name="Gadget", code="GDG")

    response = api_as(admin).delete(f"/api/v1/products/{product.pk}/")

    assert response.status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()
    event = Event.objects.get(name="product.deleted")
    assert (event.actor, event.data) == (admin, {"product": product.pk, "code": "GDG"})


def test_it_keeps_a_sold_product_and_says_why(admin, rep, api_as):
    product = ProductFactory(name="Seat", unit_price=Decimal("100"))
    deal = DealFactory(owner=rep)
    services.line_item_add(actor=rep, deal=deal, product=product, quantity=2)

    response = api_as(admin).delete(f"/api/v1/products/{product.pk}/")

    assert response.status_code == 400
    assert response.data["product"] == [
        "Deals have this product as a line item: deactivate it instead."
    ]
    assert Product.objects.filter(pk=product.pk).exists()
    assert not Event.objects.filter(name="product.deleted").exists()


def test_the_service_refuses_to_delete_a_sold_product(admin, rep):
    product = ProductFactory()
    services.line_item_add(actor=rep, deal=DealFactory(owner=rep), product=product)

    with pytest.raises(ValidationError):
        services.product_delete(actor=admin, product=product)

    assert Product.objects.filter(pk=product.pk).exists()


# ---------------------------------------------------------------- report filters


def test_the_dashboard_shows_the_selectors_error_for_a_reversed_close_range(client, rep):
    DealFactory(owner=rep, amount=1_000)
    client.force_login(rep)

    response = client.get(
        "/deals/dashboard/", {"close_from": "2025-06-30", "close_to": "2025-06-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["close_to"] == [
        "The end of the close date range is before its start."
    ]
    assert response.context["summary"]["total"]["count"] == 1  # shown unfiltered
