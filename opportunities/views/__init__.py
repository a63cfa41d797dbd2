"""HTML pages of opportunity management. Views shape input and call services.

One module per concept: plans (the plan and its parts), opportunities (the Opportunities
page, battlecards), reviews, what_works and settings.
"""

from .opportunities import battlecard, competitor_list, opportunity_list
from .plans import (
    competitor_add,
    competitor_edit,
    plan_edit,
    plan_start,
    stakeholder_add,
    stakeholder_edit,
    step_add,
    step_edit,
)
from .reviews import review_edit
from .settings import catalogue_edit, prompt_edit, settings_index
from .what_works import what_works

__all__ = [
    "battlecard",
    "catalogue_edit",
    "competitor_add",
    "competitor_edit",
    "competitor_list",
    "opportunity_list",
    "plan_edit",
    "plan_start",
    "prompt_edit",
    "review_edit",
    "settings_index",
    "stakeholder_add",
    "stakeholder_edit",
    "step_add",
    "step_edit",
    "what_works",
]
