"""The deal lifecycle: create, edit, delete, move between stages, win, lose and reopen.

A deal carries a `version`: every write bumps it, and an edit made from an older
version is refused with StaleVersion (409 over the API, a message on the form) rather
than silently overwriting what someone else saved in between. A forward move (and a
win) runs the stage gates higher apps register (`_check_stage_gates`).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from deals.fields import DEAL_FIELDS
from deals.models import Deal, LineItem, Pipeline, Stage, StageChange
from salesproc.currencies import clean_currency
from salesproc.events import record_event
from salesproc.handover import reassign_owned
from salesproc.models import User
from salesproc.services import apply_changes, check_owner
from salesproc.softdelete import move_to_bin

from ._common import FORECAST_CATEGORIES, deal_event, locked_deal, money
from .line_items import build_line_item

DEAL_TYPES = {value for value, _ in Deal.Type.choices}


def default_pipeline():
    return Pipeline.objects.filter(is_active=True).order_by("-is_default", "order", "id").first()


def first_open_stage(pipeline):
    return pipeline.stages.filter(kind=Stage.Kind.OPEN).order_by("order", "id").first()


def _check_contacts(account, primary_contact):
    """The primary contact works at the account. Other contacts may be anyone involved
    (a partner, a consultant), as lead conversion relies on."""
    if primary_contact is not None and primary_contact.account_id not in (None, account.pk):
        raise ValidationError({"primary_contact": "The contact works at another account."})


def _record_stage_change(deal, from_stage, to_stage, actor, confirmed, when):
    return StageChange.objects.create(
        deal=deal,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
        changed_at=when,
        exit_criteria_confirmed=confirmed,
    )


def _open_category(category):
    """The forecast category of an open deal: any but Closed, which a win sets."""
    if category not in FORECAST_CATEGORIES:
        raise ValidationError({"forecast_category": "Choose a forecast category."})
    if category == Deal.ForecastCategory.CLOSED:
        raise ValidationError(
            {"forecast_category": "Closed is set when the deal is won; choose another."}
        )
    return category


@transaction.atomic
def deal_create(
    *,
    actor: User,
    name: str,
    account,
    owner: User | None = None,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    expected_close_date=None,
    primary_contact=None,
    contacts=(),
    deal_type: str = Deal.Type.NEW_BUSINESS,
    source_lead_id: int | None = None,
    line_items=(),
    forecast_category: str = "",
) -> Deal:
    """Create a deal in a pipeline's first open stage (or the stage given).

    `line_items` is a list of {"product", "quantity", "unit_price", "discount_percent"};
    when there are any, the deal's amount is their total. `forecast_category` defaults
    to the stage's (or pipeline).
    """
    pipeline = pipeline or (stage.pipeline if stage else default_pipeline())
    if pipeline is None:
        raise ValidationError({"pipeline": "No pipeline is set up yet: an admin must add one."})
    if not pipeline.is_active:
        raise ValidationError({"pipeline": f"The {pipeline.name} pipeline is no longer in use."})
    stage = stage or first_open_stage(pipeline)
    if stage is None or stage.pipeline_id != pipeline.pk:
        raise ValidationError({"stage": "Choose a stage of the deal's pipeline."})
    if stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": "A new deal starts in an open stage."})
    if account is None:
        raise ValidationError({"account": "Choose the account the deal is with."})
    if deal_type not in DEAL_TYPES:
        raise ValidationError({"deal_type": "Choose new business, up-sell, cross-sell or renewal."})
    if owner is not None:
        check_owner(actor=actor, owner=owner, records="deals")
    owner = owner or actor
    contacts = [c for c in contacts if c is not None]
    _check_contacts(account, primary_contact)
    deal = Deal(
        name=(name or "").strip(),
        account=account,
        owner=owner,
        pipeline=pipeline,
        stage=stage,
        amount=money(amount if amount is not None else 0, "amount"),
        currency=clean_currency(currency),
        expected_close_date=expected_close_date,
        primary_contact=primary_contact,
        deal_type=deal_type,
        source_lead_id=source_lead_id,
        forecast_category=_open_category(forecast_category)
        if forecast_category
        else stage.default_forecast_category or Deal.ForecastCategory.PIPELINE,
    )
    deal.full_clean()
    deal.save()
    if primary_contact is not None and primary_contact not in contacts:
        contacts.append(primary_contact)
    if contacts:
        deal.contacts.add(*contacts)
    _record_stage_change(deal, None, stage, actor, [], deal.stage_entered_at)
    items = [build_line_item(deal, **item) for item in line_items]
    if items:
        LineItem.objects.bulk_create(items)
        deal.amount = sum((item.total for item in items), Decimal("0"))
        deal.save(update_fields=["amount"])
    deal_event(
        deal,
        "deal.created",
        actor,
        f"Deal {deal.name} created in {stage.name}",
        {"stage": stage.pk, "amount": str(deal.amount), "owner": owner.pk},
    )
    return deal


@transaction.atomic
def deal_update(*, actor: User, deal: Deal, version: int, data: dict) -> Deal:
    """Edit a deal's details. Stage and status change through move, win, lose and reopen."""
    if version is None:
        raise ValidationError({"version": "Send the version of the deal you edited."})
    deal = locked_deal(deal, version)
    data = dict(data)
    contacts = data.pop("contacts", None)
    unknown = set(data) - set(DEAL_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    if "owner" in data and data["owner"] != deal.owner:
        check_owner(actor=actor, owner=data["owner"], records="deals")
    if "amount" in data:
        data["amount"] = money(data["amount"], "amount")
        if data["amount"] != deal.amount and deal.line_items.exists():
            raise ValidationError(
                {"amount": "The amount is the total of the line items: change those instead."}
            )
    if "deal_type" in data and data["deal_type"] not in DEAL_TYPES:
        raise ValidationError({"deal_type": "Choose new business, up-sell, cross-sell or renewal."})
    if "forecast_category" in data and data["forecast_category"] != deal.forecast_category:
        if not deal.is_open:
            raise ValidationError(
                {"forecast_category": "A closed deal's category follows its result."}
            )
        _open_category(data["forecast_category"])
    if "currency" in data:
        data["currency"] = clean_currency(data["currency"])
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    account = data.get("account", deal.account)
    if account is None:
        raise ValidationError({"account": "Choose the account the deal is with."})
    primary_contact = data.get("primary_contact", deal.primary_contact)
    current_contacts = list(deal.contacts.all())
    _check_contacts(account, primary_contact)

    changes = apply_changes(deal, DEAL_FIELDS, data)
    new_contacts = None
    if contacts is not None or (primary_contact is not None and "primary_contact" in changes):
        wanted = list(contacts) if contacts is not None else list(current_contacts)
        if primary_contact is not None and primary_contact not in wanted:
            wanted.append(primary_contact)
        if {c.pk for c in wanted} != {c.pk for c in current_contacts}:
            new_contacts = wanted
            changes["contacts"] = [
                sorted(c.full_name for c in current_contacts),
                sorted(c.full_name for c in wanted),
            ]
    if not changes:
        return deal
    deal.full_clean()
    deal.version += 1
    deal.save(update_fields=[f for f in DEAL_FIELDS if f in changes] + ["version", "updated_at"])
    if new_contacts is not None:
        deal.contacts.set(new_contacts)
    deal_event(
        deal,
        "deal.updated",
        actor,
        "Changed " + ", ".join(field.replace("_", " ") for field in sorted(changes)),
        {"changes": changes, "version": deal.version},
    )
    return deal


@transaction.atomic
def deal_delete(*, actor: User, deal: Deal) -> None:
    """Move a deal to the recycle bin (restorable with its stage history and line items).
    Won deals are results and stay."""
    deal = locked_deal(deal)
    if deal.status == Deal.Status.WON:
        raise ValidationError(
            {"deal": "A won deal counts in the results and cannot be deleted: reopen it first."}
        )
    record_event(
        subject=deal.account,
        name="deal.deleted",
        actor=actor,
        summary=f"Deal {deal.name} moved to the recycle bin",
        data={"deal": deal.pk, "name": deal.name, "amount": str(deal.amount)},
        also=[deal.primary_contact],
    )
    move_to_bin(deal, actor=actor)


def deal_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    """Open deals go to to_user (won and lost ones stay in from_user's history). The
    version moves on, so an edit form opened before the handover is refused, not lost."""
    return reassign_owned(
        Deal.objects.filter(status=Deal.Status.OPEN),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="deal.reassigned",
        bump_version=True,
    )
