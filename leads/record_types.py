"""The kinds of record this app registers for generic features (tasks, notes,
search, templates): how each is named, found and linked."""

from salesproc import processes
from salesproc.registry import (
    QuickCreate,
    RecordType,
    register_quick_create,
    register_record_type,
)

from .models import Lead


def register():
    register_record_type(
        RecordType(
            "lead",
            "leads.Lead",
            "Lead",
            lambda user: Lead.objects.visible_to(user),
            process=processes.LEADS,
            order=30,
            represent=_represent_lead,
        )
    )
    register_quick_create(
        QuickCreate("lead", "Lead", "leads:lead_create", process=processes.LEADS, order=30)
    )


def _represent_lead(obj, *, user):
    """The lead as the API shows it to user (None if hidden): webhook payloads."""
    from salesproc.api_support import represent_with

    from .api import LeadViewSet

    return represent_with(LeadViewSet, obj, user=user)
