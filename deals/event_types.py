"""The events deals records: deals, their stages, forecasts, pipelines and quotas."""

from salesproc.registry import EventType, register_event_types

CHANGES = {"changes": {"name": ["Old name", "New name"]}}
MOVE = {
    "from_stage": 2,
    "to_stage": 3,
    "from_stage_name": "Discovery",
    "to_stage_name": "Proposal",
    "exit_criteria_confirmed": True,
}


def register():
    register_event_types(
        EventType(
            "deal.created",
            "A deal was created.",
            "deal",
            {"stage": 2, "amount": "12000.00", "owner": 5},
        ),
        EventType(
            "deal.updated",
            "A deal's fields changed.",
            "deal",
            {"changes": {"amount": ["12000.00", "15000.00"]}, "version": 4},
        ),
        EventType("deal.deleted", "A deal went to the recycle bin.", "deal", {}),
        EventType("deal.stage_changed", "A deal moved to another open stage.", "deal", MOVE),
        EventType(
            "deal.won",
            "A deal was won.",
            "deal",
            {"from_stage": 4, "to_stage": 6, "amount": "15000.00", "exit_criteria_confirmed": True},
        ),
        EventType(
            "deal.lost",
            "A deal was lost, with its reason.",
            "deal",
            {
                "from_stage": 3,
                "to_stage": 7,
                "reason": 2,
                "reason_name": "Price",
                "detail": "Went with a cheaper tool",
                "amount": "15000.00",
            },
        ),
        EventType(
            "deal.reopened",
            "A won or lost deal was reopened.",
            "deal",
            {"from_stage": 7, "to_stage": 3},
        ),
        EventType(
            "deal.stalled",
            "A deal stayed in its stage longer than allowed.",
            "deal",
            {"stage": 3, "days": 30},
        ),
        EventType(
            "deal.reassigned",
            "A deal moved with its owner's handover.",
            "deal",
            {"owner": ["Alice Rep", "Bob Rep"], "handover": True},
        ),
        EventType(
            "deal.forecast_category_changed",
            "A deal's forecast category changed.",
            "deal",
            {"from": "pipeline", "to": "commit"},
        ),
        EventType(
            "forecast.submitted",
            "A rep or manager submitted a forecast.",
            "",
            {"period": "2026-12", "commit": "50000.00"},
        ),
        EventType("lost_reason.created", "An admin added a lost reason.", "", CHANGES),
        EventType("lost_reason.updated", "An admin changed a lost reason.", "", CHANGES),
        EventType("pipeline.created", "An admin created a pipeline.", "", {}),
        EventType("pipeline.updated", "An admin changed a pipeline.", "", CHANGES),
        EventType("pipeline.deleted", "An admin deleted a pipeline.", "", {}),
        EventType(
            "pipeline.stage_added",
            "A stage was added to a pipeline.",
            "",
            {"stage": 8, "name": "Legal"},
        ),
        EventType("pipeline.stage_changed", "A pipeline's stage changed.", "", CHANGES),
        EventType(
            "pipeline.stage_removed", "A stage was removed from a pipeline.", "", {"stage": 8}
        ),
        EventType(
            "pipeline.stages_reordered",
            "A pipeline's stages were reordered.",
            "",
            {"order": [1, 2, 4, 3]},
        ),
        EventType("product.created", "An admin added a product.", "", {"code": "PRO"}),
        EventType("product.updated", "An admin changed a product.", "", CHANGES),
        EventType("product.deleted", "An admin deleted a product.", "", {}),
        EventType(
            "quota.set",
            "A quota was set for a person and period.",
            "",
            {"period": "2026-12", "amount": "60000.00"},
        ),
        EventType("quota.changed", "A quota changed.", "", {"amount": ["50000", "60000"]}),
        EventType("quota.deleted", "A quota was removed.", "", {}),
    )
