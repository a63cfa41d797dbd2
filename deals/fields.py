"""The fields a person edits on each deal record, listed once.

The services accept exactly these (anything else: "This cannot be changed here."), the
API serializers expose them and the edit pages fill their forms from them.
"""

# a deal's details; stage and status change through move, win, lose and reopen
DEAL_FIELDS = [
    "name",
    "account",
    "primary_contact",
    "owner",
    "deal_type",
    "amount",
    "currency",
    "expected_close_date",
    "forecast_category",
]
LINE_ITEM_FIELDS = ["quantity", "unit_price", "discount_percent"]
PIPELINE_FIELDS = ["name", "is_default", "is_active", "order"]
STAGE_FIELDS = [
    "name",
    "order",
    "probability",
    "stalled_after_days",
    "exit_criteria",
    "default_forecast_category",
]
PRODUCT_FIELDS = ["name", "code", "unit_price", "is_active"]
LOST_REASON_FIELDS = ["name", "is_active"]


def initial_from(record, fields):
    """A form's initial values from a record: {field: value}, foreign keys as ids."""
    values = {}
    for field in fields:
        model_field = record._meta.get_field(field)
        values[field] = getattr(record, model_field.attname)
    return values
