"""Writes of opportunity management, by concept.

plans: the plan on a deal and its parts (stakeholders, competitors, next steps);
catalogue: what admins edit (prompts, competitors, strategies, reasons, settings, gates);
reviews: win/loss reviews.
"""

from .catalogue import (
    competitor_create,
    competitor_update,
    plan_settings_update,
    prompt_create,
    prompt_update,
    prompts_publish,
    reason_create,
    reason_update,
    stage_rule_set,
    strategy_create,
    strategy_update,
)
from .plans import (
    PlanFields,
    action_item_add,
    action_item_remove,
    action_item_update,
    deal_competitor_add,
    deal_competitor_remove,
    deal_competitor_update,
    plan_create,
    plan_refresh,
    plan_update,
    stakeholder_add,
    stakeholder_remove,
    stakeholder_update,
)
from .reviews import review_add_note, review_request, review_submit

__all__ = [
    "PlanFields",
    "action_item_add",
    "action_item_remove",
    "action_item_update",
    "competitor_create",
    "competitor_update",
    "deal_competitor_add",
    "deal_competitor_remove",
    "deal_competitor_update",
    "plan_create",
    "plan_refresh",
    "plan_settings_update",
    "plan_update",
    "prompt_create",
    "prompt_update",
    "prompts_publish",
    "reason_create",
    "reason_update",
    "review_add_note",
    "review_request",
    "review_submit",
    "stage_rule_set",
    "stakeholder_add",
    "stakeholder_remove",
    "stakeholder_update",
    "strategy_create",
    "strategy_update",
]
