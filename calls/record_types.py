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
        )
    )
