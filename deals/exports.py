"""The columns of the deal CSV export (page, API and the benchmark share them)."""

from salesproc.exports import Column

DEAL_COLUMNS = (
    Column("id", "pk"),
    Column("name", "name"),
    Column("account", "account.name"),
    Column("owner", "owner.display_name"),
    Column("pipeline", "pipeline.name"),
    Column("stage", "stage.name"),
    Column("status", lambda d: d.get_status_display()),
    Column("type", lambda d: d.get_deal_type_display()),
    Column("amount", "amount"),
    Column("weighted amount", "weighted_amount"),
    Column("currency", "currency"),
    Column("forecast category", lambda d: d.get_forecast_category_display()),
    Column("expected close", "expected_close_date"),
    Column("in stage since", "stage_entered_at"),
    Column("closed", "closed_at"),
    Column("created", "created_at"),
)
