"""Pages of lead qualification, by concept: leads, qualification, criteria, metrics."""

from .criteria import (
    criteria_admin,
    criteria_preset,
    criteria_thresholds,
    criteria_version,
    criterion_create,
    criterion_delete,
    criterion_edit,
    criterion_move,
    reason_create,
    reason_toggle,
)
from .inline import lead_inline, lead_inline_view
from .leads import (
    lead_accept_intake_changes,
    lead_convert,
    lead_create,
    lead_delete,
    lead_detail,
    lead_edit,
    lead_list,
)
from .metrics import (
    metrics,
)
from .qualification import (
    lead_qualify,
    lead_qualify_preview,
)

__all__ = [
    "lead_inline",
    "lead_inline_view",
    "criteria_admin",
    "criteria_preset",
    "criteria_thresholds",
    "criteria_version",
    "criterion_create",
    "criterion_delete",
    "criterion_edit",
    "criterion_move",
    "lead_accept_intake_changes",
    "lead_convert",
    "lead_create",
    "lead_delete",
    "lead_detail",
    "lead_edit",
    "lead_list",
    "lead_qualify",
    "lead_qualify_preview",
    "metrics",
    "reason_create",
    "reason_toggle",
]
