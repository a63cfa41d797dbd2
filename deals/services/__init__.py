"""Writes for deals, by concept: the deal record (`deals`: create, edit, delete), its
lifecycle (`transitions`: move, win, lose, reopen, with the stage gates), line items
(`line_items`), pipeline and stage settings (`pipelines`), products and lost reasons
(`catalogue`).

Every change records an event in the same transaction. Other apps keep calling
`from deals import services; services.deal_create(...)`: the names are re-exported here.
"""

from deals.fields import DEAL_FIELDS, STAGE_FIELDS

from .catalogue import (
    lost_reason_create,
    lost_reason_from_text,
    lost_reason_update,
    product_create,
    product_delete,
    product_update,
)
from .deals import (
    deal_create,
    deal_delete,
    deal_reassign_open,
    deal_update,
    default_pipeline,
    first_open_stage,
)
from .line_items import line_item_add, line_item_remove, line_item_update
from .pipelines import (
    pipeline_create,
    pipeline_delete,
    pipeline_save,
    pipeline_update,
    stage_create,
    stage_delete,
    stage_reorder,
    stage_update,
)
from .transitions import (
    deal_lose,
    deal_move_stage,
    deal_reopen,
    deal_win,
    stage_to_reopen_in,
)

__all__ = [
    "deal_reassign_open",
    "DEAL_FIELDS",
    "STAGE_FIELDS",
    "deal_create",
    "deal_delete",
    "deal_lose",
    "deal_move_stage",
    "deal_reopen",
    "deal_update",
    "deal_win",
    "default_pipeline",
    "first_open_stage",
    "line_item_add",
    "line_item_remove",
    "line_item_update",
    "lost_reason_create",
    "lost_reason_from_text",
    "lost_reason_update",
    "pipeline_create",
    "pipeline_delete",
    "pipeline_save",
    "pipeline_update",
    "product_create",
    "product_delete",
    "product_update",
    "stage_create",
    "stage_delete",
    "stage_reorder",
    "stage_to_reopen_in",
    "stage_update",
]
