"""The kinds of record this app registers for generic features (tasks, notes,
search, templates): how each is named, found and linked."""

from salesproc import processes
from salesproc.registry import RecordType, register_record_type

from .models import Call


def register():
    register_record_type(
        RecordType(
            "call",
            "calls.Call",
            "Call",
            lambda user: Call.objects.visible_to(user),
            process=processes.CALLS,
            order=50,
            represent=_represent_call,
        )
    )


def _represent_call(obj, *, user):
    """The call as the API shows it to user (None if hidden): webhook payloads."""
    from salesproc.api_support import represent_with

    from .api import CallViewSet

    return represent_with(CallViewSet, obj, user=user)
