"""Pages of territory management, by concern (the URL names are unchanged)."""

from .coverage import coverage_report, territory_balance
from .patterns import pattern_detail, pattern_plan
from .plans import plan_create, plan_detail
from .potential import potential_override
from .rules import rule_create, rule_delete, rule_edit, run_detail
from .settings import potential_bands, territory_settings, tier_policies
from .territories import (
    account_pin,
    account_unpin,
    territory_create,
    territory_delete,
    territory_detail,
    territory_edit,
    territory_list,
)

__all__ = [
    "account_pin",
    "account_unpin",
    "coverage_report",
    "pattern_detail",
    "pattern_plan",
    "plan_create",
    "plan_detail",
    "potential_bands",
    "potential_override",
    "rule_create",
    "rule_delete",
    "rule_edit",
    "run_detail",
    "territory_balance",
    "territory_create",
    "territory_delete",
    "territory_detail",
    "territory_edit",
    "territory_list",
    "territory_settings",
    "tier_policies",
]
