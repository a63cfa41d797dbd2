from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from deals import services
from deals.models import Deal, LineItem, Pipeline, Stage, StageChange
from salesproc.errors import StaleVersion
from salesproc.events import timeline_for
from salesproc.models import Event
from tests.deals.factories import LostReasonFactory, stage
from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    PipelineFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def event_names(deal):
    return list(
        Event.objects.filter(object_id=deal.pk, content_type__model="deal")
        .order_by("id")
        .values_list("name", flat=True)
    )


# ---------------------------------------------------------------- create and update


def test_it_creates_a_deal_with_history_event_and_account_timeline(rep, pipeline):
    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep, account=account)

    deal = services.deal_create(
        actor=rep, name=" Big renewal ", account=account, primary_contact=contact, amount=100
    )

    assert deal.name == "Big renewal"
    assert deal.stage.name == "Prospecting"
    assert deal.version == 1
    assert list(deal.contacts.all()) == [contact]
    assert deal.stage_history.count() == 1
    assert event_names(deal) == ["deal.created"]
    assert [e.name for e in timeline_for(account, user=rep)] == ["deal.created"]
    assert [e.name for e in timeline_for(contact, user=rep)] == ["deal.created"]


def test_it_takes_the_amount_from_line_items_given_at_creation(rep, pipeline):
    product = ProductFactory(unit_price=Decimal("1200"))

    deal = services.deal_create(
        actor=rep,
        name="Cross-sell",
        account=AccountFactory(owner=rep),
        amount=1,
        deal_type=Deal.Type.CROSS_SELL,
        line_items=[{"product": product, "quantity": 3, "discount_percent": 10}],
    )

    assert deal.amount == Decimal("3240.00")
    assert deal.line_items.get().unit_price == Decimal("1200")


def test_it_refuses_a_blank_name_and_a_contact_from_another_account(rep, pipeline):
    account = AccountFactory(owner=rep)
    stranger = ContactFactory(owner=rep)

    with pytest.raises(ValidationError) as err:
        services.deal_create(actor=rep, name=" ", account=account)
    assert "name" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.deal_create(actor=rep, name="X", account=account, primary_contact=stranger)
    assert "primary_contact" in err.value.message_dict
    assert Deal.objects.count() == 0


def test_it_updates_a_deal_bumps_the_version_and_records_the_changes(rep, deal):
    updated = services.deal_update(
        actor=rep,
        deal=deal,
        version=1,
        data={"name": "Renamed", "amount": Decimal("7500"), "forecast_category": "best_case"},
    )

    assert updated.version == 2
    deal.refresh_from_db()
    assert (deal.name, deal.amount, deal.forecast_category) == ("Renamed", 7500, "best_case")
    event = Event.objects.filter(name="deal.updated").get()
    assert event.data["changes"]["amount"] == ["5000.00", "7500"]
    assert event.summary == "Changed amount, forecast category, name"


def test_it_refuses_a_stale_version_and_keeps_the_other_edit(rep, manager, deal):
    services.deal_update(actor=manager, deal=deal, version=1, data={"name": "Manager's name"})

    with pytest.raises(StaleVersion) as err:
        services.deal_update(actor=rep, deal=deal, version=1, data={"name": "Rep's name"})

    assert err.value.current_version == 2
    deal.refresh_from_db()
    assert (deal.name, deal.version) == ("Manager's name", 2)


def test_it_does_nothing_when_nothing_changed(rep, deal):
    services.deal_update(actor=rep, deal=deal, version=1, data={"name": deal.name})

    deal.refresh_from_db()
    assert deal.version == 1
    assert not Event.objects.filter(name="deal.updated").exists()


def test_it_refuses_giving_a_deal_to_another_team(rep, other_rep, deal):
    with pytest.raises(ValidationError) as err:
        services.deal_update(actor=rep, deal=deal, version=1, data={"owner": other_rep})

    assert "owner" in err.value.message_dict
    deal.refresh_from_db()
    assert deal.owner == rep


def test_it_refuses_closed_as_the_category_of_an_open_deal(rep, deal):
    with pytest.raises(ValidationError) as err:
        services.deal_update(actor=rep, deal=deal, version=1, data={"forecast_category": "closed"})
    assert "forecast_category" in err.value.message_dict


# ---------------------------------------------------------------- moving


def test_it_moves_forward_when_no_exit_criteria_apply(rep, deal, pipeline):
    before = deal.stage_entered_at

    moved = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))

    assert moved.stage.name == "Discovery"
    assert moved.version == 2
    assert moved.stage_entered_at > before
    change = moved.stage_history.order_by("-id").first()
    assert (change.from_stage.name, change.to_stage.name, change.changed_by) == (
        "Prospecting",
        "Discovery",
        rep,
    )
    assert event_names(deal) == ["deal.created", "deal.stage_changed"]
    assert [e.name for e in timeline_for(deal.account, user=rep)] == [
        "deal.stage_changed",
        "deal.created",
    ]


def test_it_refuses_to_leave_a_stage_without_its_exit_criteria(rep, deal, pipeline):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))

    with pytest.raises(ValidationError) as err:
        services.deal_move_stage(
            actor=rep,
            deal=deal,
            stage=stage(pipeline, "Proposal"),
            exit_criteria_confirmed=["Budget confirmed"],
        )

    message = err.value.message_dict["exit_criteria_confirmed"][0]
    assert message == (
        "Before the deal leaves Discovery, confirm each exit criterion: Decision maker met."
    )
    deal.refresh_from_db()
    assert (deal.stage.name, deal.version, deal.stage_history.count()) == ("Discovery", 2, 2)


def test_it_moves_when_every_exit_criterion_is_confirmed(rep, deal, pipeline):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))

    deal = services.deal_move_stage(
        actor=rep,
        deal=deal,
        stage=stage(pipeline, "Proposal"),
        exit_criteria_confirmed=["decision  maker MET", "Budget confirmed"],
    )

    assert deal.stage.name == "Proposal"
    assert deal.forecast_category == "best_case"
    assert deal.stage_history.order_by("-id").first().exit_criteria_confirmed == [
        "Budget confirmed",
        "Decision maker met",
    ]


def test_it_moves_backward_without_exit_criteria(rep, deal, pipeline):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))

    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Prospecting"))

    assert deal.stage.name == "Prospecting"


def test_it_refuses_a_stage_of_another_pipeline_and_the_current_stage(rep, deal, pipeline):
    other = PipelineFactory(name="Renewals", is_default=False)

    with pytest.raises(ValidationError) as err:
        services.deal_move_stage(actor=rep, deal=deal, stage=stage(other, "Discovery"))
    assert "stage" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Prospecting"))
    assert err.value.message_dict["stage"] == ["The deal is already in Prospecting."]


def test_it_refuses_a_move_from_a_stale_version(rep, deal, pipeline):
    services.deal_update(actor=rep, deal=deal, version=1, data={"name": "New name"})

    with pytest.raises(StaleVersion):
        services.deal_move_stage(
            actor=rep, deal=deal, stage=stage(pipeline, "Discovery"), version=1
        )

    deal.refresh_from_db()
    assert deal.stage.name == "Prospecting"


def test_it_wins_through_a_move_into_the_won_stage(rep, deal, pipeline):
    moved = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Closed won"))

    assert (moved.status, moved.forecast_category) == ("won", "closed")
    assert moved.closed_at is not None
    assert event_names(deal) == ["deal.created", "deal.won"]


def test_it_asks_for_a_reason_when_moved_into_the_lost_stage(rep, deal, pipeline):
    with pytest.raises(ValidationError) as err:
        services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Closed lost"))

    assert "reason" in err.value.message_dict
    deal.refresh_from_db()
    assert deal.status == "open"


# ---------------------------------------------------------------- win, lose, reopen


def test_it_wins_a_deal_after_the_exit_criteria_of_its_stage(rep, deal, pipeline):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Negotiation"))

    with pytest.raises(ValidationError):
        services.deal_win(actor=rep, deal=deal)
    won = services.deal_win(actor=rep, deal=deal, exit_criteria_confirmed=["Contract sent"])

    assert won.status == Deal.Status.WON
    assert won.stage.kind == Stage.Kind.WON
    assert won.forecast_category == "closed"
    assert won.version == 3
    event = Event.objects.get(name="deal.won")
    assert event.data["amount"] == "5000.00"


def test_it_refuses_to_win_a_closed_deal(rep, deal):
    deal = services.deal_win(actor=rep, deal=deal)

    with pytest.raises(ValidationError) as err:
        services.deal_win(actor=rep, deal=deal)

    assert "status" in err.value.message_dict


def test_it_refuses_to_lose_a_deal_without_a_reason(rep, deal):
    with pytest.raises(ValidationError) as err:
        services.deal_lose(actor=rep, deal=deal, reason=None, detail="   ")

    assert err.value.message_dict["reason"] == [
        "Say why the deal was lost: pick a reason or describe it."
    ]
    deal.refresh_from_db()
    assert (deal.status, deal.version) == ("open", 1)


def test_it_loses_a_deal_with_a_listed_reason_and_free_text(rep, deal):
    price = LostReasonFactory(name="Price")

    lost = services.deal_lose(actor=rep, deal=deal, reason=price, detail="20% over budget")

    assert (lost.status, lost.forecast_category) == ("lost", "omitted")
    assert (lost.lost_reason, lost.lost_reason_detail) == (price, "20% over budget")
    assert Event.objects.get(name="deal.lost").summary == (
        f"Lost {deal.name}: Price – 20% over budget"
    )


def test_it_refuses_a_retired_lost_reason(rep, deal):
    retired = LostReasonFactory(name="Old", is_active=False)

    with pytest.raises(ValidationError):
        services.deal_lose(actor=rep, deal=deal, reason=retired)


def test_it_reopens_a_lost_deal_in_the_stage_it_was_lost_from(rep, deal, pipeline):
    deal = services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))
    deal = services.deal_lose(actor=rep, deal=deal, detail="Went quiet")

    reopened = services.deal_reopen(actor=rep, deal=deal)

    assert reopened.status == "open"
    assert reopened.stage.name == "Discovery"
    assert (reopened.closed_at, reopened.lost_reason_detail) == (None, "")
    assert reopened.forecast_category == "pipeline"
    assert event_names(deal)[-1] == "deal.reopened"
    assert list(reopened.stage_history.order_by("id").values_list("to_stage__name", flat=True)) == [
        "Prospecting",
        "Discovery",
        "Closed lost",
        "Discovery",
    ]


def test_it_refuses_to_reopen_an_open_deal(rep, deal):
    with pytest.raises(ValidationError) as err:
        services.deal_reopen(actor=rep, deal=deal)
    assert err.value.message_dict["status"] == ["The deal is already open."]


def test_it_refuses_to_delete_a_won_deal_but_deletes_an_open_one(rep, deal, pipeline):
    other = DealFactory(owner=rep, pipeline=pipeline)
    won = services.deal_win(actor=rep, deal=deal)

    with pytest.raises(ValidationError):
        services.deal_delete(actor=rep, deal=won)
    services.deal_delete(actor=rep, deal=other)

    assert list(Deal.objects.values_list("pk", flat=True)) == [deal.pk]


# ---------------------------------------------------------------- line items


def test_it_makes_the_amount_follow_the_line_items(rep, deal):
    licence = ProductFactory(name="Licence", unit_price=Decimal("100"))
    support = ProductFactory(name="Support", unit_price=Decimal("50"))

    first = services.line_item_add(actor=rep, deal=deal, product=licence, quantity=10)
    deal.refresh_from_db()
    assert deal.amount == Decimal("1000.00")

    services.line_item_add(
        actor=rep, deal=deal, product=support, quantity=2, unit_price=80, discount_percent=25
    )
    deal.refresh_from_db()
    assert deal.amount == Decimal("1120.00")

    services.line_item_update(actor=rep, line_item=first, data={"quantity": 5})
    deal.refresh_from_db()
    assert deal.amount == Decimal("620.00")
    assert deal.version == 4

    with pytest.raises(ValidationError) as err:
        services.deal_update(actor=rep, deal=deal, version=4, data={"amount": 99})
    assert "amount" in err.value.message_dict


def test_it_keeps_the_last_amount_when_the_last_line_item_goes(rep, deal):
    item = services.line_item_add(actor=rep, deal=deal, product=ProductFactory(unit_price=300))

    deal = services.line_item_remove(actor=rep, line_item=item)

    assert deal.amount == Decimal("300.00")
    assert LineItem.objects.count() == 0
    assert deal.version == 3


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": "lots"}, "quantity"),
        ({"discount_percent": 120}, "discount_percent"),
        ({"unit_price": -1}, "unit_price"),
    ],
)
def test_it_refuses_bad_line_items(rep, deal, values, field):
    with pytest.raises(ValidationError) as err:
        services.line_item_add(actor=rep, deal=deal, product=ProductFactory(), **values)

    assert field in err.value.message_dict
    deal.refresh_from_db()
    assert (deal.amount, deal.version, deal.line_items.count()) == (Decimal("5000.00"), 1, 0)


def test_it_refuses_line_item_changes_on_a_closed_deal_and_retired_products(rep, deal):
    retired = ProductFactory(is_active=False)
    with pytest.raises(ValidationError) as err:
        services.line_item_add(actor=rep, deal=deal, product=retired)
    assert "product" in err.value.message_dict

    deal = services.deal_win(actor=rep, deal=deal)
    with pytest.raises(ValidationError) as err:
        services.line_item_add(actor=rep, deal=deal, product=ProductFactory())
    assert "status" in err.value.message_dict


# ---------------------------------------------------------------- configuration


def test_it_creates_a_pipeline_with_closing_stages_and_one_default(admin):
    first = PipelineFactory(name="Old")

    pipeline = services.pipeline_create(
        actor=admin,
        name="Renewals",
        is_default=True,
        stages=[
            {"name": "Due", "probability": 60, "exit_criteria": "Usage reviewed\n\nPrice agreed"}
        ],
    )

    assert list(pipeline.stages.values_list("name", "kind", "order", "probability")) == [
        ("Due", "open", 0, 60),
        ("Closed won", "won", 1, 100),
        ("Closed lost", "lost", 2, 0),
    ]
    assert pipeline.stages.get(name="Due").exit_criteria == ["Usage reviewed", "Price agreed"]
    first.refresh_from_db()
    assert (first.is_default, Pipeline.objects.get(is_default=True)) == (False, pipeline)


def test_it_adds_reorders_and_removes_stages(admin):
    pipeline = PipelineFactory(name="Simple")

    added = services.stage_create(
        actor=admin, pipeline=pipeline, name="Demo", order=2, probability=40, stalled_after_days=7
    )
    assert list(pipeline.stages.order_by("order").values_list("name", flat=True)) == [
        "Prospecting",
        "Discovery",
        "Demo",
        "Proposal",
        "Negotiation",
        "Closed won",
        "Closed lost",
    ]
    ids = list(pipeline.stages.filter(kind="open").order_by("-order").values_list("pk", flat=True))
    services.stage_reorder(actor=admin, pipeline=pipeline, stage_ids=ids)
    assert list(pipeline.stages.order_by("order").values_list("name", flat=True))[:2] == [
        "Negotiation",
        "Proposal",
    ]
    services.stage_delete(actor=admin, stage=added)
    assert not pipeline.stages.filter(name="Demo").exists()


def test_it_refuses_to_remove_a_stage_with_deals_or_a_closing_stage(admin, rep):
    pipeline = PipelineFactory(name="Used")
    DealFactory(owner=rep, pipeline=pipeline)

    with pytest.raises(ValidationError):
        services.stage_delete(actor=admin, stage=stage(pipeline, "Prospecting"))
    with pytest.raises(ValidationError):
        services.stage_delete(actor=admin, stage=stage(pipeline, "Closed won"))
    assert pipeline.stages.count() == 6


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"probability": 140}, "probability"),
        ({"stalled_after_days": 0}, "stalled_after_days"),
        ({"default_forecast_category": "closed"}, "default_forecast_category"),
        ({"default_forecast_category": "maybe"}, "default_forecast_category"),
        ({"name": "Discovery"}, "name"),
        ({"exit_criteria": ["x" * 201]}, "exit_criteria"),
    ],
)
def test_it_refuses_bad_stage_settings(admin, data, field):
    pipeline = PipelineFactory(name="Strict")

    with pytest.raises(ValidationError) as err:
        services.stage_update(actor=admin, stage=stage(pipeline, "Prospecting"), data=data)

    assert field in err.value.message_dict
    assert stage(pipeline, "Prospecting").probability == 10


def test_it_refuses_to_undefault_or_deactivate_the_default_pipeline(admin):
    pipeline = PipelineFactory(name="Only")

    with pytest.raises(ValidationError):
        services.pipeline_update(actor=admin, pipeline=pipeline, data={"is_active": False})
    with pytest.raises(ValidationError):
        services.pipeline_update(actor=admin, pipeline=pipeline, data={"is_default": False})


def test_it_keeps_product_codes_unique_and_records_price_changes(admin):
    product = services.product_create(actor=admin, name="Seat", code="seat-1", unit_price=10)
    assert product.code == "SEAT-1"

    with pytest.raises(ValidationError) as err:
        services.product_create(actor=admin, name="Other", code="Seat-1", unit_price=5)
    assert "code" in err.value.message_dict

    services.product_update(actor=admin, product=product, data={"unit_price": Decimal("12")})
    assert Event.objects.get(name="product.updated").data["changes"] == {
        "unit_price": ["10.00", "12"]
    }


def test_it_keeps_lost_reason_names_unique(admin):
    services.lost_reason_create(actor=admin, name="Price")

    with pytest.raises(ValidationError):
        services.lost_reason_create(actor=admin, name="price")


def test_it_records_the_time_of_each_stage_change(rep, deal, pipeline):
    services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))

    times = list(StageChange.objects.filter(deal=deal).values_list("changed_at", flat=True))
    assert len(times) == 2
    assert timezone.now() - times[1] < timedelta(seconds=5)
