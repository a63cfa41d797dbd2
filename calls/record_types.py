"""The kinds of record this app registers for generic features (tasks, notes,
search, templates): how each is named, found and linked."""

from salesproc import processes
from salesproc.registry import (
    QuickCreate,
    RecordType,
    register_quick_create,
    register_record_type,
    represented_by,
)

from .models import Call


def _prefill(record_type, obj):
    """A call about the page's record (the plan page takes ?contact=, ?lead=, ...); from
    a call's page, a call about what that call was about."""
    if record_type in ("account", "contact", "lead", "deal"):
        return {record_type: obj.pk}
    if record_type == "call":
        for name in ("contact", "lead", "deal", "account"):
            if getattr(obj, f"{name}_id", None):
                return {name: getattr(obj, f"{name}_id")}
    return None


def register():
    register_record_type(
        RecordType(
            "call",
            "calls.Call",
            "Call",
            lambda user: Call.objects.visible_to(user),
            process=processes.CALLS,
            order=50,
            represent=represented_by("calls.api.CallViewSet"),
        )
    )
    register_quick_create(
        QuickCreate(
            "call", "Call", "calls:call_plan", process=processes.CALLS, prefill=_prefill, order=50
        )
    )
