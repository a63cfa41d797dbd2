"""The stage gate opportunities registers with deals: a complete plan before leaving a stage."""

from .models import OpportunityPlan, StageRule


def complete_plan_gate(*, deal, from_stage, to_stage, actor):
    """What is missing before the deal may leave `from_stage` (empty: it may)."""
    if (
        from_stage is None
        or not StageRule.objects.filter(stage=from_stage, requires_complete_plan=True).exists()
    ):
        return []
    plan = OpportunityPlan.objects.filter(deal=deal).values("completeness", "missing").first()
    if plan is None:
        return [f"{from_stage.name} needs a complete opportunity plan, and this deal has none."]
    if plan["completeness"] >= 100:
        return []
    return [
        f"{from_stage.name} needs a complete opportunity plan "
        f"({plan['completeness']}% now); missing: " + "; ".join(plan["missing"]) + "."
    ]
