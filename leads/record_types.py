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
            represent=represented_by("leads.api.LeadViewSet"),
        )
    )
    register_quick_create(
        QuickCreate("lead", "Lead", "leads:lead_create", process=processes.LEADS, order=30)
    )
