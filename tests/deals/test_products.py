"""The admin settings pages (pipelines, stages, products, lost reasons) and the account
page's cross-sell and up-sell gap."""

from decimal import Decimal

import pytest

from deals import services
from deals.models import LostReason, Pipeline, Product, Stage
from tests.deals.factories import LostReasonFactory, pipeline_with_criteria, stage
from tests.factories import AccountFactory, DealFactory, PipelineFactory, ProductFactory

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


# ---------------------------------------------------------------- cross-sell and up-sell


@pytest.fixture
def catalogue():
    return {
        name: ProductFactory(name=name, code=code, unit_price=price)
        for name, code, price in (
            ("Platform", "PLAT", 10000),
            ("Seats", "SEAT", 100),
            ("Support", "SUP", 2000),
            ("Training", "TRN", 900),
        )
    }


def test_it_shows_what_an_account_bought_and_what_it_has_not(client, rep, teammate, catalogue):
    pipeline = pipeline_with_criteria(name="New business")
    account = AccountFactory(owner=rep)
    won = DealFactory(owner=rep, pipeline=pipeline, account=account)
    services.line_item_add(actor=rep, deal=won, product=catalogue["Platform"])
    services.line_item_add(actor=rep, deal=won, product=catalogue["Seats"], quantity=10)
    services.deal_win(actor=rep, deal=won)
    # a teammate's won deal on the same account counts too: it is the account's history
    theirs = DealFactory(owner=teammate, pipeline=pipeline, account=account)
    services.line_item_add(actor=teammate, deal=theirs, product=catalogue["Seats"], quantity=5)
    services.deal_win(actor=teammate, deal=theirs)
    # an open deal's products are not bought yet
    open_deal = DealFactory(owner=rep, pipeline=pipeline, account=account)
    services.line_item_add(actor=rep, deal=open_deal, product=catalogue["Support"])
    Product.objects.filter(pk=catalogue["Training"].pk).update(is_active=False)

    response = as_user(client, rep).get(f"/accounts/companies/{account.pk}/")

    panel = next(p for p in response.context["panels"] if p["key"] == "deals.account_deals")
    bought = {row["product__name"]: row["quantity"] for row in panel["context"]["bought"]}
    assert bought == {"Platform": Decimal("1.00"), "Seats": Decimal("15.00")}
    assert [p.name for p in panel["context"]["not_bought"]] == ["Support"]
    page = response.content.decode()
    assert (
        f"?account={account.pk}&amp;type=cross_sell&amp;product={catalogue['Support'].pk}" in page
    )
    assert f"?account={account.pk}&amp;type=upsell&amp;product={catalogue['Seats'].pk}" in page
    assert [d.pk for d in panel["context"]["deals"]] == [open_deal.pk, won.pk]


def test_it_opens_the_new_deal_form_prefilled_from_the_gap(client, rep, catalogue):
    PipelineFactory(name="New business")
    account = AccountFactory(owner=rep, name="Globex")
    support = catalogue["Support"]
    as_user(client, rep)

    page = client.get(f"/deals/new/?account={account.pk}&type=cross_sell&product={support.pk}")

    form = page.context["form"]
    assert (form["account"].value(), form["deal_type"].value(), form["product"].value()) == (
        account.pk,
        "cross_sell",
        support.pk,
    )
    assert form["name"].value() == "Globex: Support"

    response = client.post(
        "/deals/new/",
        {
            "name": "Globex: Support",
            "account": account.pk,
            "deal_type": "cross_sell",
            "pipeline": Pipeline.objects.get().pk,
            "currency": "EUR",
            "owner": rep.pk,
            "product": support.pk,
            "quantity": "2",
        },
    )

    assert response.status_code == 302
    deal = account.deals.get()
    assert (deal.deal_type, deal.amount) == ("cross_sell", Decimal("4000.00"))
    assert [(i.product, i.quantity) for i in deal.line_items.all()] == [(support, 2)]


def test_it_keeps_the_account_panel_to_the_deals_the_user_may_see(client, rep, other_rep):
    pipeline = PipelineFactory(name="Shared")
    account = AccountFactory(owner=rep)
    DealFactory(owner=other_rep, pipeline=pipeline, account=account, name="Not yours")

    response = as_user(client, rep).get(f"/accounts/companies/{account.pk}/")

    panel = next(p for p in response.context["panels"] if p["key"] == "deals.account_deals")
    assert panel["context"]["deals"] == []
    assert panel["context"]["open_totals"]["count"] == 0


@pytest.mark.parametrize("size", [3, 30])
def test_it_shows_the_account_panel_in_a_constant_number_of_queries(
    client, rep, catalogue, django_assert_max_num_queries, size
):
    pipeline = PipelineFactory(name="Counted")
    account = AccountFactory(owner=rep)
    for _ in range(size):
        deal = DealFactory(owner=rep, pipeline=pipeline, account=account)
        services.line_item_add(actor=rep, deal=deal, product=catalogue["Seats"])
        services.deal_win(actor=rep, deal=deal)
    as_user(client, rep)

    with django_assert_max_num_queries(18):
        response = client.get(f"/accounts/companies/{account.pk}/")

    assert response.status_code == 200


# ---------------------------------------------------------------- settings pages


@pytest.mark.parametrize(
    "path",
    ["/deals/settings/pipelines/", "/deals/settings/products/", "/deals/settings/lost-reasons/"],
)
def test_it_keeps_the_settings_pages_to_admins(client, rep, manager, admin, path):
    assert as_user(client, rep).get(path).status_code == 404
    assert as_user(client, manager).get(path).status_code == 404
    assert as_user(client, admin).get(path).status_code == 200


def test_it_lists_the_settings_pages_on_the_settings_index(client, admin):
    page = as_user(client, admin).get("/settings/").content.decode()

    for label in ("Pipelines and stages", "Products", "Lost reasons"):
        assert label in page


def test_it_adds_a_pipeline_and_its_stages(client, admin):
    as_user(client, admin)

    created = client.post(
        "/deals/settings/pipelines/", {"name": "Renewals", "order": "1", "is_active": "on"}
    )
    pipeline = Pipeline.objects.get(name="Renewals")
    assert created["Location"] == f"/deals/settings/pipelines/{pipeline.pk}/"
    assert pipeline.is_default  # the first pipeline becomes the default

    client.post(
        f"/deals/settings/pipelines/{pipeline.pk}/",
        {
            "action": "add_stage",
            "new-name": "Renewal due",
            "new-probability": "60",
            "new-stalled_after_days": "30",
            "new-default_forecast_category": "best_case",
            "new-exit_criteria": "Usage reviewed\nQuote sent",
        },
    )
    client.post(
        f"/deals/settings/pipelines/{pipeline.pk}/",
        {"action": "add_stage", "new-name": "Terms offered", "new-probability": "80"},
    )

    assert list(pipeline.stages.order_by("order").values_list("name", flat=True)) == [
        "Renewal due",
        "Terms offered",
        "Closed won",
        "Closed lost",
    ]
    due = pipeline.stages.get(name="Renewal due")
    assert (due.exit_criteria, due.stalled_after_days, due.default_forecast_category) == (
        ["Usage reviewed", "Quote sent"],
        30,
        "best_case",
    )

    terms = pipeline.stages.get(name="Terms offered")
    client.post(f"/deals/settings/stages/{terms.pk}/shift/", {"direction": "up"})
    assert list(pipeline.stages.order_by("order").values_list("name", flat=True))[:2] == [
        "Terms offered",
        "Renewal due",
    ]


def test_it_edits_a_stage_and_shows_errors(client, admin):
    pipeline = PipelineFactory(name="Edited")
    prospecting = stage(pipeline, "Prospecting")
    as_user(client, admin)
    prefix = f"s{prospecting.pk}"

    bad = client.post(
        f"/deals/settings/stages/{prospecting.pk}/",
        {f"{prefix}-name": "Discovery", f"{prefix}-probability": "15"},
    )
    assert bad.status_code == 400
    assert "already has a stage called" in bad.content.decode()

    good = client.post(
        f"/deals/settings/stages/{prospecting.pk}/",
        {
            f"{prefix}-name": "Qualify",
            f"{prefix}-probability": "15",
            f"{prefix}-stalled_after_days": "10",
            f"{prefix}-exit_criteria": "Pain found",
        },
    )
    assert good.status_code == 302
    prospecting.refresh_from_db()
    assert (prospecting.name, prospecting.probability, prospecting.exit_criteria) == (
        "Qualify",
        15,
        ["Pain found"],
    )


def test_it_refuses_to_remove_a_stage_in_use(client, admin, rep):
    pipeline = PipelineFactory(name="Busy")
    DealFactory(owner=rep, pipeline=pipeline)
    prospecting = stage(pipeline, "Prospecting")

    response = as_user(client, admin).post(
        f"/deals/settings/stages/{prospecting.pk}/delete/", follow=True
    )

    assert "Deals are in this stage" in response.content.decode()
    assert Stage.objects.filter(pk=prospecting.pk).exists()


def test_it_adds_and_edits_products(client, admin):
    as_user(client, admin)

    client.post(
        "/deals/settings/products/",
        {"name": "Seat", "code": "seat", "unit_price": "49", "is_active": "on"},
    )
    product = Product.objects.get(code="SEAT")
    duplicate = client.post(
        "/deals/settings/products/", {"name": "Other", "code": "SEAT", "unit_price": "1"}
    )
    assert duplicate.status_code == 400
    assert "The code SEAT is taken." in duplicate.content.decode()

    client.post(
        f"/deals/settings/products/{product.pk}/",
        {"name": "Seat", "code": "SEAT", "unit_price": "59"},
    )
    product.refresh_from_db()
    assert (product.unit_price, product.is_active) == (Decimal("59.00"), False)
    assert "Seat" not in client.get("/deals/settings/products/").content.decode()
    assert "Seat" in client.get("/deals/settings/products/?show=all").content.decode()


def test_it_adds_and_retires_lost_reasons(client, admin):
    LostReasonFactory(name="Price")
    as_user(client, admin)

    client.post("/deals/settings/lost-reasons/", {"name": "Timing", "is_active": "on"})
    timing = LostReason.objects.get(name="Timing")
    client.post(f"/deals/settings/lost-reasons/{timing.pk}/", {"name": "Bad timing"})

    timing.refresh_from_db()
    assert (timing.name, timing.is_active) == ("Bad timing", False)
    duplicate = client.post("/deals/settings/lost-reasons/", {"name": "price"})
    assert "already a lost reason" in duplicate.content.decode()
