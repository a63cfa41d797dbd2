"""The lead list's bulk actions, each row through the lead services (registered from
ready()). "Add a task" waits for the tasks model."""

from salesproc.bulk_actions.forms import OwnerForm, choice_form
from salesproc.registry import BulkAction, BulkList, register_bulk_action, register_bulk_list
from salesproc.views import int_or_none

from . import selectors, services
from .models import DisqualificationReason, Lead

STATUSES = [(Lead.Status.WORKING.value, "Working (keep qualifying)")]


def filtered(*, user, params):
    return selectors.lead_list(
        user=user,
        search=(params.get("q") or "").strip(),
        status=params.get("status") or selectors.OPEN,
        owner=int_or_none(params.get("owner")),
        source=params.get("source") or "",
        min_score=int_or_none(params.get("min_score")),
    )


def reassign(*, actor, record, params):
    services.lead_update(actor=actor, lead=record, data={"owner": params["owner"]})


def set_status(*, actor, record, params):
    # "Working" is the one status a person sets directly; qualify, disqualify and convert
    # have their own steps (disqualify is the next action).
    services.lead_keep_working(actor=actor, lead=record, answers={})


def disqualify(*, actor, record, params):
    services.lead_disqualify(actor=actor, lead=record, reason=params["reason"])


def delete(*, actor, record, params):
    services.lead_delete(actor=actor, lead=record)


def _reasons(user):
    services.disqualification_reasons_ensure_defaults()
    return [
        (str(r.pk), r.name)
        for r in DisqualificationReason.objects.filter(is_active=True).order_by("name")
    ]


ReasonForm = choice_form("reason", "Reason", _reasons, "Give a reason to disqualify the leads.")
StatusForm = choice_form("status", "New status", lambda user: STATUSES, "Choose the new status.")


def register():
    register_bulk_list(BulkList("lead", filtered))
    for action in (
        BulkAction("lead", "reassign", "Reassign owner", reassign, form=OwnerForm, order=10),
        BulkAction("lead", "status", "Change status", set_status, form=StatusForm, order=20),
        BulkAction("lead", "disqualify", "Disqualify", disqualify, form=ReasonForm, order=30),
        BulkAction(
            "lead",
            "delete",
            "Move to the recycle bin",
            delete,
            confirm="Move the selected leads to the recycle bin?",
            order=90,
        ),
    ):
        register_bulk_action(action)
