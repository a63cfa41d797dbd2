"""The columns of the deal CSV export (page, API and the benchmark share them)."""

from deals.models import Deal
from salesproc.exports import Column, person

DEAL_COLUMNS = (
    Column("id", "pk"),
    Column("name", "name"),
    Column("account", "account__name"),
    Column("owner", **person("owner")),
    Column("pipeline", "pipeline__name"),
    Column("stage", "stage__name"),
    Column("status", "status", labels=dict(Deal.Status.choices)),
    Column("type", "deal_type", labels=dict(Deal.Type.choices)),
    Column("amount", "amount"),
    Column("weighted amount", "weighted_amount"),
    Column("currency", "currency"),
    Column("forecast category", "forecast_category", labels=dict(Deal.ForecastCategory.choices)),
    Column("expected close", "expected_close_date"),
    Column("in stage since", "stage_entered_at"),
    Column("closed", "closed_at"),
    Column("created", "created_at"),
)
