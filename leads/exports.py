"""The columns of the lead CSV export (page and API share them)."""

from leads.models import Lead
from salesproc.exports import Column, person

LEAD_COLUMNS = (
    Column("id", "pk"),
    Column("first name", "first_name"),
    Column("last name", "last_name"),
    Column("company", "company_name"),
    Column("job title", "job_title"),
    Column("email", "email"),
    Column("phone", "phone"),
    Column("industry", "industry"),
    Column("country", "country"),
    Column("source", "source"),
    Column("status", "status", labels=dict(Lead.Status.choices)),
    Column("score", "score"),
    Column("owner", **person("owner")),
    Column("created", "created_at"),
)
