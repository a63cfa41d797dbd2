"""The call list's bulk actions (registered from ready()), each row through the call
services: reassign (planned calls only) and the recycle bin; "Add a task" comes from
salesproc.todo for every list."""

from salesproc.bulk_actions.forms import ActionForm, OwnerForm
from salesproc.registry import BulkAction, BulkList, register_bulk_action, register_bulk_list
from salesproc.views import int_or_none

from . import selectors, services


def filtered(*, user, params):
    return selectors.call_list(
        user=user,
        search=(params.get("q") or "").strip(),
        status=params.get("status") or "",
        owner=int_or_none(params.get("owner")),
        call_type=int_or_none(params.get("type")),
        channel=params.get("channel") or "",
        period=params.get("period") or "",
    )


def reassign(*, actor, record, params):
    services.call_reassign(actor=actor, call=record, owner=params["owner"])


def delete(*, actor, record, params):
    services.call_delete(actor=actor, call=record)


def register():
    register_bulk_list(BulkList("call", filtered))
    register_bulk_action(
        BulkAction("call", "reassign", "Reassign owner", reassign, form=OwnerForm, order=10)
    )
    register_bulk_action(
        BulkAction(
            "call",
            "delete",
            "Move to the recycle bin",
            delete,
            form=ActionForm,
            confirm="Move the selected calls to the recycle bin?",
            order=90,
        )
    )
