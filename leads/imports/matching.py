"""Which lead a row is, and whether an import may touch it.

Shared by the preview and the run, so both say the same thing about a row: matching is
by email (or by name and company for rows without an email); a lead of someone the
importer cannot see, and a converted or disqualified lead, are never changed."""

from leads.intake.models import (
    INTAKE_LEAD_FIELD_NAMES,
)
from leads.models import Lead
from salesproc.bulk import lock_emails

BATCH_SIZE = 1000


# Leads are loaded with just what an import compares and updates.
LOAD_FIELDS = ["id", "owner", "status", *INTAKE_LEAD_FIELD_NAMES, "source", "score"]


def row_values(mapping_items, cells):
    return {name: cells[i] for i, name in mapping_items if i < len(cells)}


def mapping_items(job):
    return [(i, name) for i, name in enumerate(job.mapping) if name]


def row_key(data):
    """What makes two rows the same lead: the email, else name and company."""
    if data.get("email"):
        return data["email"]
    return (
        "~",
        data.get("last_name", "").lower(),
        data.get("first_name", "").lower(),
        data.get("company_name", "").lower(),
    )


def duplicate_reason(data, first_row):
    if data.get("email"):
        return f"Same email as row {first_row}: only the first row with an email is imported."
    return f"Same name and company as row {first_row}: only the first is imported."


ANOTHER_OWNER = (
    "A lead with this email is already in the CRM and belongs to someone else; ask its "
    "owner, their manager or an admin to update it."
)


MATCHES_CONVERTED = (
    "Matches a converted lead: an import never changes a converted lead. "
    "Update its contact instead."
)


MATCHES_DISQUALIFIED = (
    "Matches a disqualified lead: an import never changes a disqualified lead. "
    "Reopen it by hand if it is worth another look."
)


def refusal_for(lead, visible):
    """Why an import may not touch this existing lead, or ''."""
    if visible is not None and lead.owner_id not in visible:
        return ANOTHER_OWNER
    if lead.status == Lead.Status.CONVERTED:
        return MATCHES_CONVERTED
    if lead.status == Lead.Status.DISQUALIFIED:
        return MATCHES_DISQUALIFIED
    return ""


def find_existing(valid, *, lock=True):
    """{row key: lead} for the batch's rows already in the CRM (lowest id wins).

    `lock` serialises the batch with other writers of these emails (the run); the
    preview only reads.
    """
    emails = [data["email"] for _, data in valid if data.get("email")]
    found = {}
    if emails:
        if lock:
            lock_emails(emails)
        for lead in Lead.objects.filter(email__in=emails).only(*LOAD_FIELDS).order_by("-id"):
            found[lead.email] = lead
    nameless = [data for _, data in valid if not data.get("email")]
    if nameless:
        companies = {data["company_name"] for data in nameless}
        last_names = {data["last_name"] for data in nameless}
        for lead in (
            Lead.objects.filter(email="", company_name__in=companies, last_name__in=last_names)
            .only(*LOAD_FIELDS)
            .order_by("-id")
        ):
            found[row_key(fields_of(lead))] = lead
    return found


def fields_of(lead):
    return {name: getattr(lead, name) for name in INTAKE_LEAD_FIELD_NAMES}
