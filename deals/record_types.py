"""The kinds of record this app registers for generic features (tasks, notes,
search, templates): how each is named, found and linked."""

from accounts.record_types import account_of
from salesproc import processes
from salesproc.registry import (
    QuickCreate,
    RecordType,
    register_quick_create,
    register_record_type,
    represented_by,
)

from .models import Deal


def _prefill(record_type, obj):
    if record_type == "lead":
        return None  # a lead becomes a deal by conversion, not by a new deal
    account_id = account_of(record_type, obj)
    return {"account": account_id} if account_id else None


def register():
    register_record_type(
        RecordType(
            "deal",
            "deals.Deal",
            "Deal",
            lambda user: Deal.objects.visible_to(user),
            process=processes.DEALS,
            order=40,
            represent=represented_by("deals.api.DealViewSet"),
        )
    )
    register_quick_create(
        QuickCreate(
            "deal", "Deal", "deals:deal_create", process=processes.DEALS, prefill=_prefill, order=40
        )
    )
