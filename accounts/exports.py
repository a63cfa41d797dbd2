"""The columns of the account and contact CSV exports (page and API share them)."""

from salesproc.exports import Column

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
    Column("owner", "owner.display_name"),
    Column(
        "account manager", lambda a: a.account_manager.display_name if a.account_manager_id else ""
    ),
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
    Column("decision maker", lambda c: "yes" if c.is_decision_maker else "no"),
    Column("account", "account.name"),
    Column("owner", "owner.display_name"),
    Column("created", "created_at"),
)
