"""The call list's bulk actions (registered from ready()). Calls change owner only in a
handover today (no single-call reassign service), so the list offers the recycle bin."""

from salesproc.bulk_actions.forms import ActionForm
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


def delete(*, actor, record, params):
    services.call_delete(actor=actor, call=record)


def register():
    register_bulk_list(BulkList("call", filtered))
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
