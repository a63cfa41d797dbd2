"""The kinds of record this app registers for generic features (tasks, notes,
search, templates): how each is named, found and linked."""

from salesproc import processes
from salesproc.registry import RecordType, register_record_type

from .models import Deal


def register():
    register_record_type(
        RecordType(
            "deal",
            "deals.Deal",
            "Deal",
            lambda user: Deal.objects.visible_to(user),
            process=processes.DEALS,
            order=40,
            represent=_represent_deal,
        )
    )


def _represent_deal(obj, *, user):
    """The deal as the API shows it to user (None if hidden): webhook payloads."""
    from salesproc.api_support import represent_with

    from .api import DealViewSet

    return represent_with(DealViewSet, obj, user=user)
