"""Writes for leads, by concept: leads, qualification, conversion, criteria (and reasons).

Every change records an event on the lead (or on the criteria version) in the same
transaction. Callers use `from leads import services` and the names below.
"""

from .conversion import lead_convert
from .criteria import (
    CRITERION_FIELDS,
    criteria_ensure_defaults,
    criteria_load_preset,
    criteria_reorder,
    criteria_set_thresholds,
    criterion_create,
    criterion_delete,
    criterion_move,
    criterion_update,
    disqualification_reason_create,
    disqualification_reason_set_active,
    disqualification_reasons_ensure_defaults,
)
from .leads import (
    OPEN_LEAD_STATUSES,
    lead_apply_profile_rules,
    lead_create,
    lead_delete,
    lead_reassign_open,
    lead_update,
)
from .qualification import CRITERIA_CHANGED, lead_disqualify, lead_keep_working, lead_qualify

__all__ = [
    "CRITERIA_CHANGED",
    "CRITERION_FIELDS",
    "criteria_ensure_defaults",
    "criteria_load_preset",
    "criteria_reorder",
    "criteria_set_thresholds",
    "criterion_create",
    "criterion_delete",
    "criterion_move",
    "criterion_update",
    "disqualification_reason_create",
    "disqualification_reason_set_active",
    "disqualification_reasons_ensure_defaults",
    "lead_apply_profile_rules",
    "lead_convert",
    "lead_create",
    "lead_delete",
    "lead_reassign_open",
    "OPEN_LEAD_STATUSES",
    "lead_disqualify",
    "lead_keep_working",
    "lead_qualify",
    "lead_update",
]
