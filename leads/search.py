"""Leads in the global search (salesproc.search)."""

from salesproc import processes
from salesproc.registry import Picker, SearchSource, register_picker, register_search_source
from salesproc.search import TextIndex, search_records

from .models import Lead

LEAD_INDEX = TextIndex(
    "leads_lead",
    {"A": ["first_name", "last_name", "company_name"], "B": ["email"], "C": ["job_title"]},
    "{t}first_name || ' ' || {t}last_name || ' ' || {t}company_name",
    ("last_name", "first_name", "company_name", "email"),
)


def search_leads(*, user, query, limit):
    return [
        {
            "type": "lead",
            "id": lead.pk,
            "title": lead.full_name,
            "subtitle": " · ".join(p for p in (lead.job_title, lead.get_status_display()) if p),
            "url": lead.get_absolute_url(),
            "rank": lead.search_rank,
        }
        for lead in search_records(
            Lead.objects.visible_to(user), query, index=LEAD_INDEX, limit=limit
        )
    ]


def register():
    register_search_source(
        SearchSource("lead", "Leads", search_leads, process=processes.LEADS, order=30)
    )
    register_picker(
        Picker(
            "lead.open",
            lambda user: (
                Lead.objects.visible_to(user)
                .exclude(status__in=[Lead.Status.CONVERTED, Lead.Status.DISQUALIFIED])
                .order_by("last_name", "first_name", "id")
            ),
            lambda queryset, query, limit: search_records(
                queryset, query, index=LEAD_INDEX, limit=limit
            ),
            label=lambda lead: lead.full_name,
            detail=lambda lead: lead.get_status_display(),
        )
    )
