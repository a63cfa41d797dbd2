from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from deals import services
from deals.models import Deal, LineItem
from deals.selectors import BOARD_CARDS_PER_COLUMN
from tests.deals.factories import LostReasonFactory, stage
from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


# ---------------------------------------------------------------- board and list


@pytest.mark.parametrize("size", [3, 30])
def test_it_shows_the_board_in_a_constant_number_of_queries(
    client, rep, pipeline, django_assert_max_num_queries, size
):
    account = AccountFactory(owner=rep)
    for n in range(size):
        DealFactory(owner=rep, pipeline=pipeline, account=account, name=f"Board deal {n}")
    as_user(client, rep)

    with django_assert_max_num_queries(10):
        response = client.get("/deals/board/")

    assert response.status_code == 200
    body = response.content.decode()
    shown = min(size, BOARD_CARDS_PER_COLUMN)
    assert body.count('class="board-card deal-card"') == shown
    if size > shown:
        assert f"{size - shown} more in the list" in body


def test_it_shows_only_visible_deals_on_the_board(client, rep, other_rep, pipeline):
    DealFactory(owner=rep, pipeline=pipeline, name="Mine on the board")
    DealFactory(owner=other_rep, pipeline=pipeline, name="Theirs on the board")

    page = as_user(client, rep).get("/deals/board/").content.decode()

    assert "Mine on the board" in page
    assert "Theirs on the board" not in page


def test_it_puts_each_deal_in_its_stage_column_and_shows_recent_wins(client, rep, deal, pipeline):
    won = DealFactory(owner=rep, pipeline=pipeline, name="Recently won")
    services.deal_win(actor=rep, deal=won)
    old = DealFactory(owner=rep, pipeline=pipeline, name="Won long ago")
    services.deal_win(actor=rep, deal=old)
    Deal.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timezone.timedelta(days=90))

    response = as_user(client, rep).get("/deals/board/")

    columns = {c["stage"].name: [d.name for d in c["deals"]] for c in response.context["columns"]}
    assert columns["Prospecting"] == ["Acme expansion"]
    assert columns["Closed won"] == ["Recently won"]


@pytest.mark.parametrize("size", [3, 30])
def test_it_lists_deals_in_a_constant_number_of_queries(
    client, rep, pipeline, django_assert_max_num_queries, size
):
    account = AccountFactory(owner=rep)
    for _ in range(size):
        DealFactory(owner=rep, pipeline=pipeline, account=account)
    as_user(client, rep)

    with django_assert_max_num_queries(11):  # +2: the bulk bar's owners and stages
        response = client.get("/deals/?sort=-amount")

    assert response.status_code == 200
    assert response.context["page"].paginator.count == size
    assert response.context["totals"]["count"] == size


def test_it_filters_the_list(client, rep, pipeline):
    december = DealFactory(
        owner=rep, pipeline=pipeline, name="December deal", expected_close_date=date(2026, 12, 5)
    )
    DealFactory(
        owner=rep, pipeline=pipeline, name="January deal", expected_close_date=date(2027, 1, 5)
    )
    lost = DealFactory(owner=rep, pipeline=pipeline, name="Lost deal")
    services.deal_lose(actor=rep, deal=lost, detail="No budget")
    services.deal_move_stage(actor=rep, deal=december, stage=stage(pipeline, "Discovery"))
    as_user(client, rep)

    def names(query):
        response = client.get(f"/deals/?{query}")
        assert response.status_code == 200
        return [d.name for d in response.context["page"]]

    assert names("") == ["December deal", "January deal"]
    assert names("status=lost") == ["Lost deal"]
    assert sorted(names("status=all")) == ["December deal", "January deal", "Lost deal"]
    assert names("close=2026-12") == ["December deal"]
    assert names(f"stage={stage(pipeline, 'Discovery').pk}") == ["December deal"]
    assert names("category=pipeline&q=january") == ["January deal"]
    assert names("sort=-close") == ["January deal", "December deal"]
    assert names("close=garbage&stage=x&owner=y&page=99") == ["December deal", "January deal"]


def test_it_swaps_only_the_table_for_htmx(client, rep, deal):
    response = as_user(client, rep).get("/deals/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Acme expansion" in response.content.decode()


@pytest.mark.parametrize("path", ["/deals/", "/deals/board/", "/deals/new/"])
def test_it_tells_a_role_without_deals_it_is_not_part_of_it(client, outsider, path):
    response = as_user(client, outsider).get(path)

    assert response.status_code == 403
    assert "Deal management is not part of your role" in response.content.decode()


def test_it_hides_the_deal_pages_of_a_role_without_deals(client, outsider, deal):
    response = as_user(client, outsider).get(f"/deals/{deal.pk}/")

    assert response.status_code == 403


# ---------------------------------------------------------------- detail


def test_it_shows_a_deal_with_line_items_history_and_timeline(client, rep, deal, pipeline):
    services.line_item_add(actor=rep, deal=deal, product=ProductFactory(name="Seats"), quantity=3)
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))

    response = as_user(client, rep).get(f"/deals/{deal.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Seats" in page
    assert "Discovery: exit criteria" in page
    assert "Budget confirmed" in page
    assert "Move to Proposal" in page
    assert [row["stage"].name for row in response.context["history"]] == [
        "Prospecting",
        "Discovery",
    ]
    assert response.context["history"][-1]["left_at"] is None
    assert "Moved from Prospecting to Discovery" in page


def test_it_lets_a_manager_see_the_teams_deal_and_hides_it_from_another_team(
    client, manager, other_rep, other_manager, deal
):
    assert as_user(client, manager).get(f"/deals/{deal.pk}/").status_code == 200
    assert as_user(client, other_rep).get(f"/deals/{deal.pk}/").status_code == 404
    assert as_user(client, other_manager).get(f"/deals/{deal.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("edit/", {"name": "Taken", "version": 1}),
        ("move/", {"stage": "STAGE"}),
        ("win/", {}),
        ("lose/", {"detail": "Because"}),
        ("delete/", {}),
        ("line-items/", {"product": "PRODUCT", "quantity": "1"}),
    ],
)
def test_it_refuses_another_teams_deal_with_404_and_changes_nothing(
    client, other_rep, deal, pipeline, path, data
):
    product = ProductFactory()
    data = {
        k: {"STAGE": stage(pipeline, "Discovery").pk, "PRODUCT": product.pk}.get(v, v)
        for k, v in data.items()
    }

    response = as_user(client, other_rep).post(f"/deals/{deal.pk}/{path}", data)

    assert response.status_code == 404
    deal.refresh_from_db()
    assert (deal.name, deal.stage.name, deal.status, deal.version) == (
        "Acme expansion",
        "Prospecting",
        "open",
        1,
    )
    assert deal.line_items.count() == 0


# ---------------------------------------------------------------- create and edit


def test_it_creates_a_deal_from_the_form(client, rep, pipeline):
    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep, account=account)

    response = as_user(client, rep).post(
        "/deals/new/",
        {
            "name": "Form deal",
            "account": account.pk,
            "primary_contact": contact.pk,
            "deal_type": "new_business",
            "pipeline": pipeline.pk,
            "amount": "2500",
            "currency": "EUR",
            "expected_close_date": "2026-12-15",
            "owner": rep.pk,
        },
    )

    deal = Deal.objects.get(name="Form deal")
    assert response.status_code == 302
    assert response["Location"] == f"/deals/{deal.pk}/"
    assert (deal.amount, deal.primary_contact, deal.stage.name) == (
        Decimal("2500.00"),
        contact,
        "Prospecting",
    )


def test_it_shows_form_errors_for_bad_input(client, rep, other_rep, pipeline):
    theirs = AccountFactory(owner=other_rep)

    response = as_user(client, rep).post(
        "/deals/new/",
        {
            "name": "",
            "account": theirs.pk,
            "deal_type": "new_business",
            "pipeline": pipeline.pk,
            "amount": "-1",
            "currency": "EUR",
            "owner": other_rep.pk,
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "account", "amount", "owner"}
    assert not Deal.objects.exists()


def test_it_edits_a_deal_with_its_version(client, rep, deal):
    response = as_user(client, rep).post(
        f"/deals/{deal.pk}/edit/",
        {
            "name": "Renamed",
            "account": deal.account_id,
            "deal_type": "upsell",
            "amount": "6000",
            "currency": "EUR",
            "forecast_category": "best_case",
            "owner": rep.pk,
            "version": 1,
        },
    )

    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.name, deal.deal_type, deal.version) == ("Renamed", "upsell", 2)


def test_it_refuses_a_stale_edit_with_a_clear_message(client, rep, manager, deal):
    services.deal_update(actor=manager, deal=deal, version=1, data={"name": "Manager's name"})

    response = as_user(client, rep).post(
        f"/deals/{deal.pk}/edit/",
        {
            "name": "Rep's name",
            "account": deal.account_id,
            "deal_type": "new_business",
            "amount": "5000",
            "currency": "EUR",
            "forecast_category": "pipeline",
            "owner": rep.pk,
            "version": 1,
        },
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "changed this deal while you were editing" in page
    assert "version" not in page.split('class="stale-notice"')[1].split("</div>")[0].lower()
    deal.refresh_from_db()
    assert deal.name == "Manager's name"


# ---------------------------------------------------------------- moving


def test_it_refuses_a_move_without_the_exit_criteria_and_shows_the_checklist(
    client, rep, deal, pipeline
):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))

    response = as_user(client, rep).post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(pipeline, "Proposal").pk, "exit_criteria_confirmed": ["Budget confirmed"]},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "confirm each exit criterion: Decision maker met." in page
    assert 'value="Decision maker met"' in page
    deal.refresh_from_db()
    assert deal.stage.name == "Discovery"


def test_it_moves_a_deal_from_the_checklist_and_goes_back(client, rep, deal, pipeline):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))

    response = as_user(client, rep).post(
        f"/deals/{deal.pk}/move/",
        {
            "stage": stage(pipeline, "Proposal").pk,
            "exit_criteria_confirmed": ["Budget confirmed", "Decision maker met"],
            "version": 2,
            "next": "/deals/board/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/deals/board/"
    deal.refresh_from_db()
    assert deal.stage.name == "Proposal"


def test_it_ignores_an_outside_next_address(client, rep, deal, pipeline):
    response = as_user(client, rep).post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(pipeline, "Discovery").pk, "next": "https://evil.example/"},
    )

    assert response["Location"] == f"/deals/{deal.pk}/"


def test_it_answers_a_board_drop_with_json(client, rep, deal, pipeline):
    as_user(client, rep)

    moved = client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(pipeline, "Discovery").pk, "version": 1},
        HTTP_ACCEPT="application/json",
    )
    assert moved.status_code == 200
    assert moved.json() == {
        "ok": True,
        "stage": stage(pipeline, "Discovery").pk,
        "version": 2,
        "message": "Moved “Acme expansion” to Discovery.",
    }

    needs_criteria = client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(pipeline, "Proposal").pk, "version": 2},
        HTTP_ACCEPT="application/json",
    )
    assert needs_criteria.status_code == 400
    body = needs_criteria.json()
    assert body["prompt_url"] == (
        f"/deals/{deal.pk}/move/?stage={stage(pipeline, 'Proposal').pk}&partial=1"
    )
    assert "exit_criteria_confirmed" in body["errors"]

    stale = client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(pipeline, "Prospecting").pk, "version": 1},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 409
    assert "changed this deal" in stale.json()["errors"]["non_field_errors"][0]
    deal.refresh_from_db()
    assert (deal.stage.name, deal.version) == ("Discovery", 2)  # the stale drop moved nothing
    assert deal.stage_history.count() == 2

    prompt = client.get(body["prompt_url"])
    assert prompt.status_code == 200
    assert "<html" not in prompt.content.decode()
    assert "Decision maker met" in prompt.content.decode()


def test_it_asks_for_a_reason_when_dropped_on_lost(client, rep, deal, pipeline):
    as_user(client, rep)
    lost = stage(pipeline, "Closed lost")

    dropped = client.post(
        f"/deals/{deal.pk}/move/", {"stage": lost.pk}, HTTP_ACCEPT="application/json"
    )
    assert dropped.status_code == 400
    prompt = client.get(dropped.json()["prompt_url"]).content.decode()
    assert "Lost reason" in prompt

    done = client.post(f"/deals/{deal.pk}/move/", {"stage": lost.pk, "detail": "Chose Excel"})
    assert done.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.lost_reason_detail) == ("lost", "Chose Excel")


# ---------------------------------------------------------------- win, lose, reopen


def test_it_wins_from_the_form_after_the_checklist(client, rep, deal, pipeline):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Negotiation"))
    as_user(client, rep)

    refused = client.post(f"/deals/{deal.pk}/win/", {"version": 2})
    assert refused.status_code == 400
    assert "Contract sent" in refused.content.decode()

    won = client.post(
        f"/deals/{deal.pk}/win/", {"version": 2, "exit_criteria_confirmed": ["Contract sent"]}
    )
    assert won.status_code == 302
    deal.refresh_from_db()
    assert deal.status == "won"


def test_it_needs_a_reason_on_the_lose_form(client, rep, deal):
    as_user(client, rep)

    refused = client.post(f"/deals/{deal.pk}/lose/", {"reason": "", "detail": "  "})
    assert refused.status_code == 400
    assert "Say why the deal was lost: pick a reason or describe it." in refused.content.decode()
    deal.refresh_from_db()
    assert deal.status == "open"

    reason = LostReasonFactory(name="Price")
    done = client.post(f"/deals/{deal.pk}/lose/", {"reason": reason.pk, "detail": ""})
    assert done.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.lost_reason) == ("lost", reason)


def test_it_reopens_from_the_form(client, rep, deal, pipeline):
    deal = services.deal_lose(actor=rep, deal=deal, detail="Timing")
    as_user(client, rep)

    page = client.get(f"/deals/{deal.pk}/reopen/")
    assert page.context["form"]["stage"].initial == stage(pipeline, "Prospecting").pk
    response = client.post(
        f"/deals/{deal.pk}/reopen/", {"stage": stage(pipeline, "Discovery").pk, "version": 2}
    )

    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.stage.name) == ("open", "Discovery")


# ---------------------------------------------------------------- line items


def test_it_edits_line_items_on_the_deal_page(client, rep, deal):
    product = ProductFactory(unit_price=Decimal("100"))
    as_user(client, rep)

    added = client.post(f"/deals/{deal.pk}/line-items/", {"product": product.pk, "quantity": "3"})
    assert added.status_code == 302
    item = LineItem.objects.get()
    deal.refresh_from_db()
    assert deal.amount == Decimal("300.00")

    client.post(
        f"/deals/{deal.pk}/line-items/{item.pk}/",
        {"quantity": "3", "unit_price": "100", "discount_percent": "50"},
    )
    deal.refresh_from_db()
    assert deal.amount == Decimal("150.00")

    client.post(f"/deals/{deal.pk}/line-items/{item.pk}/remove/")
    assert not LineItem.objects.exists()


def test_it_shows_line_item_errors_on_the_deal_page(client, rep, deal):
    response = as_user(client, rep).post(
        f"/deals/{deal.pk}/line-items/",
        {"product": ProductFactory().pk, "quantity": "0", "discount_percent": "150"},
    )

    assert response.status_code == 400
    assert set(response.context["line_form"].errors) == {"quantity"}
    assert not LineItem.objects.exists()


def test_it_404s_a_line_item_of_another_deal(client, rep, deal, pipeline):
    other = DealFactory(owner=rep, pipeline=pipeline)
    item = services.line_item_add(actor=rep, deal=other, product=ProductFactory())

    response = as_user(client, rep).post(f"/deals/{deal.pk}/line-items/{item.pk}/remove/")

    assert response.status_code == 404
    assert LineItem.objects.filter(pk=item.pk).exists()


# ---------------------------------------------------------------- panels and widget


def test_it_shows_the_deals_of_a_contact(client, rep, pipeline):
    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep, account=account)
    DealFactory(owner=rep, pipeline=pipeline, account=account, primary_contact=contact, name="Hers")

    page = as_user(client, rep).get(f"/accounts/contacts/{contact.pk}/").content.decode()

    assert "Hers" in page
    assert "primary contact" in page


def test_it_shows_my_open_deals_on_the_home_page(client, rep, pipeline):
    DealFactory(
        owner=rep,
        pipeline=pipeline,
        amount=1000,
        name="Soonest",
        expected_close_date=date(2026, 12, 1),
    )
    DealFactory(
        owner=rep,
        pipeline=pipeline,
        amount=3000,
        name="Later",
        expected_close_date=date(2027, 2, 1),
    )

    response = as_user(client, rep).get("/")

    widget = next(w for w in response.context["widgets"] if w["key"] == "deals.my_open_deals")
    context = widget["context"]
    assert (context["count"], context["amount"], context["weighted"]) == (
        2,
        Decimal("4000.00"),
        Decimal("400.00"),
    )
    assert [d.name for d in context["next_closes"]] == ["Soonest", "Later"]
    assert "My open deals" in response.content.decode()


def test_a_deal_is_in_a_listed_currency_and_amounts_show_it(client, rep):
    from deals.models import Deal
    from tests.factories import AccountFactory, PipelineFactory

    pipeline = PipelineFactory()
    account = AccountFactory(owner=rep)
    client.force_login(rep)
    form = client.get("/deals/new/").content.decode()
    assert '<option value="USD">USD – US dollar</option>' in form
    bad = client.post(
        "/deals/new/",
        {"name": "Odd money", "account": account.pk, "currency": "XYZ", "amount": "10"},
    )
    assert bad.status_code == 200 and not Deal.objects.filter(name="Odd money").exists()
    client.post(
        "/deals/new/",
        {
            "name": "Dollar deal",
            "account": account.pk,
            "currency": "USD",
            "amount": "12000",
            "deal_type": "new_business",
            "pipeline": pipeline.pk,
            "forecast_category": "pipeline",
            "owner": rep.pk,
        },
    )
    deal = Deal.objects.get(name="Dollar deal")
    assert deal.currency == "USD"
    assert "USD 12,000" in client.get("/deals/board/").content.decode()
