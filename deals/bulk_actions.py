"""The deal list's bulk actions, each row through the deal services (registered from
ready()). A stage move needs the current stage's exit criteria like a single move: a row
with unconfirmed criteria is skipped with the service's reason."""

from django.core.exceptions import ValidationError

from salesproc.bulk_actions.forms import OwnerForm, choice_form
from salesproc.registry import BulkAction, BulkList, register_bulk_action, register_bulk_list
from salesproc.views import int_or_none

from . import selectors, services
from .models import Deal, Stage


def filtered(*, user, params):
    status = params.get("status")
    status = "" if status == "all" else (status if status in Deal.Status.values else "open")
    return selectors.deal_list(
        user=user,
        search=(params.get("q") or "").strip(),
        owner=int_or_none(params.get("owner")),
        pipeline=int_or_none(params.get("pipeline")),
        stage=int_or_none(params.get("stage")),
        status=status,
        forecast_category=params.get("category") or "",
        deal_type=params.get("type") or "",
        close_month=params.get("close") or "",
        field_filters=params,
    )


def reassign(*, actor, record, params):
    services.deal_update(
        actor=actor, deal=record, version=record.version, data={"owner": params["owner"]}
    )


def move(*, actor, record, params):
    stage = Stage.objects.get(pk=params["stage"])
    if stage.pipeline_id != record.pipeline_id:
        raise ValidationError({"stage": f"{stage.name} is a stage of another pipeline."})
    services.deal_move_stage(actor=actor, deal=record, stage=stage, version=record.version)


def delete(*, actor, record, params):
    services.deal_delete(actor=actor, deal=record)


def _stages(user):
    stages = Stage.objects.filter(kind=Stage.Kind.OPEN).select_related("pipeline")
    stages = stages.order_by("pipeline__name", "order", "id")
    return [(str(s.pk), f"{s.pipeline.name}: {s.name}") for s in stages]


StageForm = choice_form("stage", "New stage", _stages, "Choose the new stage.")


def register():
    register_bulk_list(BulkList("deal", filtered))
    for action in (
        BulkAction("deal", "reassign", "Reassign owner", reassign, form=OwnerForm, order=10),
        BulkAction("deal", "stage", "Change stage", move, form=StageForm, order=20),
        BulkAction(
            "deal",
            "delete",
            "Move to the recycle bin",
            delete,
            confirm="Move the selected deals to the recycle bin?",
            order=90,
        ),
    ):
        register_bulk_action(action)
