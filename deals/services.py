"""Writes for deals. Every change records an event in the same transaction."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from salesproc.events import record_event
from salesproc.models import User

from .models import Deal, Pipeline, Stage, StageChange


def default_pipeline():
    return Pipeline.objects.filter(is_active=True).order_by("-is_default", "order", "id").first()


def first_open_stage(pipeline):
    return pipeline.stages.filter(kind=Stage.Kind.OPEN).order_by("order", "id").first()


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
    currency: str = "EUR",
    expected_close_date=None,
    primary_contact=None,
    contacts=(),
    deal_type: str = Deal.Type.NEW_BUSINESS,
    source_lead_id: int | None = None,
) -> Deal:
    """Create a deal in a pipeline's first open stage (or the stage given)."""
    pipeline = pipeline or (stage.pipeline if stage else default_pipeline())
    if pipeline is None:
        raise ValidationError({"pipeline": "No pipeline is set up yet: an admin must add one."})
    stage = stage or first_open_stage(pipeline)
    if stage is None or stage.pipeline_id != pipeline.pk:
        raise ValidationError({"stage": "Choose a stage of the deal's pipeline."})
    if stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": "A new deal starts in an open stage."})
    owner = owner or actor
    deal = Deal(
        name=(name or "").strip(),
        account=account,
        owner=owner,
        pipeline=pipeline,
        stage=stage,
        amount=amount if amount is not None else Decimal("0"),
        currency=currency,
        expected_close_date=expected_close_date,
        primary_contact=primary_contact,
        deal_type=deal_type,
        source_lead_id=source_lead_id,
        forecast_category=stage.default_forecast_category or Deal.ForecastCategory.PIPELINE,
    )
    if deal.amount < 0:
        raise ValidationError({"amount": "The amount cannot be negative."})
    if primary_contact is not None and primary_contact.account_id not in (None, account.pk):
        raise ValidationError({"primary_contact": "The contact works at another account."})
    deal.full_clean()
    deal.save()
    related = [c for c in contacts if c is not None]
    if primary_contact is not None and primary_contact not in related:
        related.append(primary_contact)
    if related:
        deal.contacts.add(*related)
    StageChange.objects.create(deal=deal, from_stage=None, to_stage=stage, changed_by=actor)
    record_event(
        subject=deal,
        name="deal.created",
        actor=actor,
        summary=f"Deal {deal.name} created in {stage.name}",
        data={"stage": stage.pk, "amount": str(deal.amount), "owner": owner.pk},
        also=[account, primary_contact],
    )
    return deal
