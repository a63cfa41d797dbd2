"""The columns of the account and contact CSV exports (page and API share them)."""

from salesproc.exports import Column, person, yes_no

from .models import Account

ACCOUNT_COLUMNS = (
    Column("id", "pk"),
    Column("name", "name"),
    Column("status", "status", labels=dict(Account.Status.choices)),
    Column("industry", "industry"),
    Column("country", "country"),
    Column("city", "city"),
    Column("website", "website"),
    Column("employees", "employee_count"),
    Column("annual revenue", "annual_revenue"),
    Column("owner", **person("owner")),
    Column("account manager", **person("account_manager")),
    Column("contacts", "contact_count"),
    Column("created", "created_at"),
)

CONTACT_COLUMNS = (
    Column("id", "pk"),
    Column("first name", "first_name"),
    Column("last name", "last_name"),
    Column("job title", "job_title"),
    Column("email", "email"),
    Column("phone", "phone"),
    Column("decision maker", "is_decision_maker", compute=yes_no),
    Column("account", "account__name"),
    Column("owner", **person("owner")),
    Column("created", "created_at"),
)
