from decimal import Decimal

import pytest

from deals import services
from deals.models import Deal, Pipeline, Product
from salesproc.models import Event
from tests.deals.factories import LostReasonFactory, stage
from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def url(deal, action=""):
    base = f"/api/v1/deals/{deal.pk}/"
    return f"{base}{action}/" if action else base


# ---------------------------------------------------------------- list and visibility


@pytest.mark.parametrize("size", [3, 30])
def test_it_lists_deals_in_a_constant_number_of_queries(
    rep, pipeline, api_as, django_assert_max_num_queries, size
):
    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep, account=account)
    for _ in range(size):
        DealFactory(owner=rep, pipeline=pipeline, account=account, primary_contact=contact)

    with django_assert_max_num_queries(6):
        response = api_as(rep).get("/api/v1/deals/?page_size=50")

    assert response.status_code == 200
    assert response.data["count"] == size


def test_it_shows_each_persona_only_the_deals_they_may_see(
    rep, teammate, manager, other_rep, admin, pipeline, api_as
):
    mine = DealFactory(owner=rep, pipeline=pipeline)
    teammates = DealFactory(owner=teammate, pipeline=pipeline)
    theirs = DealFactory(owner=other_rep, pipeline=pipeline)

    def ids(user):
        return {row["id"] for row in api_as(user).get("/api/v1/deals/").data["results"]}

    assert ids(rep) == {mine.pk}
    assert ids(manager) == {mine.pk, teammates.pk}
    assert ids(other_rep) == {theirs.pk}
    assert ids(admin) == {mine.pk, teammates.pk, theirs.pk}


def test_it_hides_another_teams_deal_and_leaves_it_unchanged(other_rep, deal, api_as, pipeline):
    client = api_as(other_rep)

    assert client.get(url(deal)).status_code == 404
    assert client.patch(url(deal), {"name": "Mine now", "version": 1}).status_code == 404
    move = client.post(url(deal, "move"), {"stage": stage(pipeline, "Discovery").pk})
    assert move.status_code == 404
    assert client.post(url(deal, "lose"), {"reason": "x"}).status_code == 404
    assert client.post(url(deal, "win"), {}).status_code == 404
    assert client.delete(url(deal)).status_code == 404
    assert client.get(f"{url(deal)}line-items/").status_code == 404
    deal.refresh_from_db()
    assert (deal.name, deal.stage.name, deal.status, deal.version) == (
        deal.name,
        "Prospecting",
        "open",
        1,
    )


def test_it_refuses_the_api_to_a_role_without_deal_management(outsider, api_as, pipeline):
    response = api_as(outsider).get("/api/v1/deals/")

    assert response.status_code == 403
    assert response.data["detail"] == "Deal management is not one of the processes your role runs."
    assert api_as(outsider).get("/api/v1/pipelines/").status_code == 403


def test_it_filters_searches_and_orders_deals(rep, pipeline, api_as):
    big = DealFactory(
        owner=rep, pipeline=pipeline, name="Big one", amount=90000, expected_close_date="2026-12-10"
    )
    small = DealFactory(
        owner=rep, pipeline=pipeline, name="Small", amount=100, expected_close_date="2027-01-20"
    )
    services.deal_lose(actor=rep, deal=small, detail="No budget")
    client = api_as(rep)

    def names(query):
        response = client.get(f"/api/v1/deals/?{query}")
        assert response.status_code == 200, response.data
        return [row["name"] for row in response.data["results"]]

    assert names("status=lost") == ["Small"]
    assert names("forecast_category=pipeline") == ["Big one"]
    assert names("expected_close_after=2027-01-01") == ["Small"]
    assert names("expected_close_before=2026-12-31") == ["Big one"]
    assert names("search=big") == ["Big one"]
    assert names("ordering=amount") == ["Small", "Big one"]
    assert names(f"stage={stage(pipeline, 'Prospecting').pk}") == ["Big one"]
    assert names(f"owner={rep.pk}&pipeline={pipeline.pk}&ordering=-amount") == [
        "Big one",
        "Small",
    ]
    assert big.pk


@pytest.mark.parametrize(
    "query", ["status=maybe", "expected_close_after=soon", "stage=abc", "owner=999999"]
)
def test_it_answers_bad_filters_with_400(rep, api_as, query):
    assert api_as(rep).get(f"/api/v1/deals/?{query}").status_code == 400


# ---------------------------------------------------------------- create and update


def test_it_creates_a_deal_with_its_history(rep, pipeline, api_as):
    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep, account=account)

    response = api_as(rep).post(
        "/api/v1/deals/",
        {
            "name": "API deal",
            "account": account.pk,
            "primary_contact": contact.pk,
            "amount": "1500.00",
            "expected_close_date": "2026-12-31",
            "deal_type": "upsell",
        },
        format="json",
    )

    assert response.status_code == 201, response.data
    body = response.data
    assert (body["status"], body["stage_name"], body["version"], body["owner"]) == (
        "open",
        "Prospecting",
        1,
        rep.pk,
    )
    assert body["contacts"] == [contact.pk]
    assert body["weighted_amount"] == "150.00"
    assert [(h["from_stage"], h["to_stage_name"]) for h in body["stage_history"]] == [
        (None, "Prospecting")
    ]


def test_it_refuses_invisible_accounts_contacts_and_owners_with_400(
    rep, other_rep, pipeline, api_as
):
    theirs = AccountFactory(owner=other_rep)
    their_contact = ContactFactory(owner=other_rep)
    mine = AccountFactory(owner=rep)
    client = api_as(rep)

    for body in (
        {"name": "X", "account": theirs.pk},
        {"name": "X", "account": mine.pk, "primary_contact": their_contact.pk},
        {"name": "X", "account": mine.pk, "contacts": [their_contact.pk]},
        {"name": "X", "account": mine.pk, "owner": other_rep.pk},
        {"name": "X", "account": "abc"},
        {"name": "X", "account": mine.pk, "amount": "lots"},
        {"name": "X", "account": mine.pk, "amount": "-5"},
        {"name": "", "account": mine.pk},
        {"name": "X", "account": mine.pk, "stage": stage(pipeline, "Closed won").pk},
    ):
        response = client.post("/api/v1/deals/", body, format="json")
        assert response.status_code == 400, (body, response.data)
    assert Deal.objects.count() == 0


def test_it_requires_the_version_on_update(rep, deal, api_as):
    response = api_as(rep).patch(url(deal), {"name": "New"}, format="json")

    assert response.status_code == 400
    assert response.data["version"] == ["Send the version you edited (this deal is at version 1)."]


def test_it_updates_with_the_current_version(rep, deal, api_as):
    response = api_as(rep).patch(
        url(deal), {"name": "New", "version": 1, "forecast_category": "commit"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert (response.data["name"], response.data["version"]) == ("New", 2)
    assert response.data["forecast_category"] == "commit"


def test_it_answers_a_stale_version_with_409_and_keeps_the_other_edit(rep, manager, deal, api_as):
    services.deal_update(actor=manager, deal=deal, version=1, data={"name": "Manager's"})

    response = api_as(rep).patch(url(deal), {"name": "Rep's", "version": 1}, format="json")

    assert response.status_code == 409
    assert (response.data["code"], response.data["current_version"]) == ("stale_version", 2)
    deal.refresh_from_db()
    assert deal.name == "Manager's"


def test_it_refuses_a_stage_change_through_patch(rep, deal, pipeline, api_as):
    response = api_as(rep).patch(
        url(deal), {"stage": stage(pipeline, "Proposal").pk, "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.data["stage"] == ["The stage changes with POST .../move/."]


# ---------------------------------------------------------------- transitions


def test_it_moves_a_deal_once_the_exit_criteria_are_confirmed(rep, deal, pipeline, api_as):
    client = api_as(rep)
    assert (
        client.post(url(deal, "move"), {"stage": stage(pipeline, "Discovery").pk}).status_code
        == 200
    )

    refused = client.post(
        url(deal, "move"), {"stage": stage(pipeline, "Proposal").pk}, format="json"
    )
    assert refused.status_code == 400
    assert refused.data["exit_criteria_confirmed"] == [
        "Before the deal leaves Discovery, confirm each exit criterion: "
        "Budget confirmed; Decision maker met."
    ]

    moved = client.post(
        url(deal, "move"),
        {
            "stage": stage(pipeline, "Proposal").pk,
            "exit_criteria_confirmed": ["Budget confirmed", "Decision maker met"],
            "version": 2,
        },
        format="json",
    )
    assert moved.status_code == 200, moved.data
    assert moved.data["stage_name"] == "Proposal"
    assert moved.data["forecast_category"] == "best_case"
    history = moved.data["stage_history"]
    assert [(h["from_stage_name"], h["to_stage_name"]) for h in history] == [
        (None, "Prospecting"),
        ("Prospecting", "Discovery"),
        ("Discovery", "Proposal"),
    ]
    assert history[-1]["changed_by"] == rep.pk
    assert history[-1]["changed_at"]


@pytest.mark.parametrize("body", [{}, {"stage": "abc"}, {"stage": 999999}, {"stage": None}])
def test_it_answers_a_bad_move_with_400(rep, deal, api_as, body):
    response = api_as(rep).post(url(deal, "move"), body, format="json")

    assert response.status_code == 400
    deal.refresh_from_db()
    assert deal.version == 1


def test_it_answers_a_stale_move_with_409(rep, deal, pipeline, api_as):
    services.deal_update(actor=rep, deal=deal, version=1, data={"name": "Changed"})

    response = api_as(rep).post(
        url(deal, "move"), {"stage": stage(pipeline, "Discovery").pk, "version": 1}
    )

    assert response.status_code == 409
    assert (response.data["code"], response.data["current_version"]) == ("stale_version", 2)
    deal.refresh_from_db()
    assert (deal.stage.name, deal.version, deal.name) == ("Prospecting", 2, "Changed")
    assert deal.stage_history.count() == 1
    assert not Event.objects.filter(name="deal.stage_changed").exists()


def test_it_wins_a_deal(rep, deal, api_as):
    response = api_as(rep).post(url(deal, "win"), {}, format="json")

    assert response.status_code == 200
    assert (response.data["status"], response.data["forecast_category"]) == ("won", "closed")
    assert response.data["closed_at"]


def test_it_needs_a_reason_to_lose_a_deal(rep, deal, api_as):
    client = api_as(rep)

    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = client.post(url(deal, "lose"), body, format="json")
        assert response.status_code == 400
        assert "reason" in response.data
    deal.refresh_from_db()
    assert deal.status == "open"


@pytest.mark.parametrize(
    ("reason", "expected_reason", "expected_detail"),
    [
        ("price", "Price", "Too dear"),
        ("ID", "Price", "Too dear"),
        ("They hired in-house", None, "They hired in-house\nToo dear"),
    ],
)
def test_it_takes_a_lost_reason_by_name_id_or_free_text(
    rep, deal, api_as, reason, expected_reason, expected_detail
):
    price = LostReasonFactory(name="Price")
    reason = str(price.pk) if reason == "ID" else reason

    response = api_as(rep).post(
        url(deal, "lose"), {"reason": reason, "detail": "Too dear"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["status"] == "lost"
    assert response.data["lost_reason_name"] == expected_reason
    assert response.data["lost_reason_detail"] == expected_detail


def test_it_refuses_an_unknown_lost_reason_id(rep, deal, api_as):
    response = api_as(rep).post(url(deal, "lose"), {"reason": "424242"}, format="json")

    assert response.status_code == 400
    assert response.data["reason"] == ["There is no lost reason with id 424242."]


def test_it_loses_through_a_move_into_the_lost_stage_with_a_reason(rep, deal, pipeline, api_as):
    client = api_as(rep)
    lost_stage = stage(pipeline, "Closed lost").pk

    assert client.post(url(deal, "move"), {"stage": lost_stage}).status_code == 400
    response = client.post(url(deal, "move"), {"stage": lost_stage, "reason": "Went dark"})

    assert response.status_code == 200
    assert response.data["status"] == "lost"


def test_it_reopens_a_closed_deal(rep, deal, api_as, pipeline):
    services.deal_win(actor=rep, deal=deal)

    response = api_as(rep).post(
        url(deal, "reopen"), {"stage": stage(pipeline, "Negotiation").pk}, format="json"
    )

    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["stage_name"]) == ("open", "Negotiation")
    assert response.data["closed_at"] is None
    assert api_as(rep).post(url(deal, "reopen"), {}).status_code == 400


def test_it_deletes_an_open_deal(rep, deal, api_as):
    assert api_as(rep).delete(url(deal)).status_code == 204
    assert not Deal.objects.exists()


# ---------------------------------------------------------------- line items


def test_it_edits_line_items_and_the_amount_follows(rep, deal, api_as):
    client = api_as(rep)
    product = ProductFactory(unit_price=Decimal("250"))
    items_url = f"{url(deal)}line-items/"

    created = client.post(items_url, {"product": product.pk, "quantity": "4"}, format="json")
    assert created.status_code == 201, created.data
    assert (created.data["total"], created.data["deal_amount"]) == ("1000.00", "1000.00")
    item_url = f"{items_url}{created.data['id']}/"

    patched = client.patch(item_url, {"discount_percent": "50"}, format="json")
    assert patched.status_code == 200, patched.data
    assert patched.data["deal_amount"] == "500.00"
    assert patched.data["deal_version"] == 3

    listed = client.get(items_url)
    assert [row["product_code"] for row in listed.data] == [product.code]

    assert client.delete(item_url).status_code == 204
    deal.refresh_from_db()
    assert (deal.amount, deal.version, deal.line_items.count()) == (Decimal("500.00"), 4, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"product": 999999},
        {"product": "x"},
        {"quantity": "2"},
        {"product": "PRODUCT", "quantity": "0"},
        {"product": "PRODUCT", "discount_percent": "101"},
        {"product": "PRODUCT", "quantity": "1.555"},
    ],
)
def test_it_answers_bad_line_items_with_400(rep, deal, api_as, body):
    product = ProductFactory()
    body = {k: (product.pk if v == "PRODUCT" else v) for k, v in body.items()}

    response = api_as(rep).post(f"{url(deal)}line-items/", body, format="json")

    assert response.status_code == 400, response.data
    assert deal.line_items.count() == 0


def test_it_shows_line_items_and_history_in_the_deal_detail(rep, deal, api_as):
    services.line_item_add(actor=rep, deal=deal, product=ProductFactory(unit_price=10), quantity=2)

    response = api_as(rep).get(url(deal))

    assert [(i["quantity"], i["total"]) for i in response.data["line_items"]] == [("2.00", "20.00")]
    assert response.data["amount"] == "20.00"
    assert len(response.data["stage_history"]) == 1


# ---------------------------------------------------------------- configuration


def test_it_lets_everyone_read_pipelines_and_only_admins_write(rep, admin, pipeline, api_as):
    listed = api_as(rep).get("/api/v1/pipelines/")
    assert listed.status_code == 200
    assert [s["name"] for s in listed.data[0]["stages"]][:2] == ["Prospecting", "Discovery"]
    assert listed.data[0]["stages"][1]["exit_criteria"] == [
        "Budget confirmed",
        "Decision maker met",
    ]

    assert api_as(rep).post("/api/v1/pipelines/", {"name": "Mine"}).status_code == 403
    created = api_as(admin).post(
        "/api/v1/pipelines/",
        {"name": "Renewals", "stages": [{"name": "Due", "probability": 60}]},
        format="json",
    )
    assert created.status_code == 201, created.data
    assert [s["name"] for s in created.data["stages"]] == ["Due", "Closed won", "Closed lost"]
    assert Pipeline.objects.count() == 2


def test_it_edits_stages_of_a_pipeline(admin, rep, pipeline, api_as):
    stages_url = f"/api/v1/pipelines/{pipeline.pk}/stages/"
    client = api_as(admin)

    created = client.post(
        stages_url,
        {"name": "Demo", "order": 1, "probability": 20, "exit_criteria": ["Demo booked"]},
        format="json",
    )
    assert created.status_code == 201, created.data
    patched = client.patch(
        f"{stages_url}{created.data['id']}/", {"stalled_after_days": 9}, format="json"
    )
    assert patched.status_code == 200, patched.data
    assert patched.data["stalled_after_days"] == 9
    bad = client.patch(f"{stages_url}{created.data['id']}/", {"probability": 120}, format="json")
    assert bad.status_code == 400
    assert api_as(rep).patch(f"{stages_url}{created.data['id']}/", {"name": "x"}).status_code == 403
    assert client.delete(f"{stages_url}{created.data['id']}/").status_code == 204
    assert client.get("/api/v1/pipelines/999999/stages/").status_code == 404


def test_it_lets_admins_keep_the_product_catalogue(admin, rep, api_as, deal):
    created = api_as(admin).post(
        "/api/v1/products/", {"name": "Seat", "code": "seat", "unit_price": "49.00"}
    )
    assert created.status_code == 201, created.data
    assert created.data["code"] == "SEAT"
    assert api_as(rep).post("/api/v1/products/", {"name": "x", "code": "y"}).status_code == 403
    duplicate = api_as(admin).post(
        "/api/v1/products/", {"name": "Other", "code": "SEAT", "unit_price": "1"}
    )
    assert duplicate.status_code == 400

    sold = Product.objects.get(code="SEAT")
    services.line_item_add(actor=rep, deal=deal, product=sold)
    refused = api_as(admin).delete(f"/api/v1/products/{sold.pk}/")
    assert refused.status_code == 400
    assert Product.objects.filter(pk=sold.pk).exists()


def test_it_lists_lost_reasons_and_lets_admins_add_them(admin, rep, api_as):
    LostReasonFactory(name="Price")

    assert [r["name"] for r in api_as(rep).get("/api/v1/lost-reasons/").data] == ["Price"]
    assert api_as(rep).post("/api/v1/lost-reasons/", {"name": "Timing"}).status_code == 403
    assert api_as(admin).post("/api/v1/lost-reasons/", {"name": "Timing"}).status_code == 201
    assert api_as(admin).post("/api/v1/lost-reasons/", {"name": "timing"}).status_code == 400


def test_it_generates_the_schema_for_the_deal_endpoints(admin, api_as):
    response = api_as(admin).get("/api/schema/")

    assert response.status_code == 200
    text = response.content.decode()
    for route in (
        "/api/v1/deals/{id}/move/",
        "/api/v1/deals/{id}/lose/",
        "/api/v1/deals/{deal_pk}/line-items/",
        "/api/v1/pipelines/{pipeline_pk}/stages/",
    ):
        assert route in text
