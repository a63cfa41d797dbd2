"""The lead fields, listed once: forms, serializers, services, intake and imports use these."""

# What a person, a form or a file says about a lead, in the order a person reads them.
LEAD_DETAIL_FIELDS = [
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("job_title", "Job title"),
    ("company_name", "Company"),
    ("website", "Website"),
    ("industry", "Industry"),
    ("employee_count", "Employees"),
    ("country", "Country"),
]
LEAD_DETAIL_FIELD_NAMES = [name for name, _ in LEAD_DETAIL_FIELDS]

# What a rep (or the API) edits on a lead: its details and where it came from.
LEAD_FIELDS = [*LEAD_DETAIL_FIELD_NAMES, "source"]

# The fields profile rules read: a change to one of them rescores the lead.
PROFILE_FIELDS = frozenset({"industry", "employee_count", "country"})
