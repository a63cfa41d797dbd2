"""The events opportunities records: opportunity plans, stakeholders, win/loss reviews."""

from salesproc.registry import EventType, register_event_types

CHANGES = {"changes": {"name": ["Old", "New"]}}


def register():
    register_event_types(
        EventType(
            "opportunity_plan.updated",
            "A deal's opportunity plan changed.",
            "deal",
            {"changes": {"pain": ["", "Manual reporting"]}},
        ),
        EventType(
            "stakeholder.added",
            "A stakeholder was added to a deal.",
            "deal",
            {"contact": 30, "role": "champion"},
        ),
        EventType(
            "stakeholder.updated",
            "A deal's stakeholder changed.",
            "deal",
            {"contact": 30, "changes": {"role": ["user", "champion"]}},
        ),
        EventType(
            "stakeholder.removed", "A stakeholder was removed from a deal.", "deal", {"contact": 30}
        ),
        EventType(
            "deal_competitor.changed", "A deal's competitors changed.", "deal", {"competitor": 3}
        ),
        EventType("win_strategy.changed", "A deal's win strategy changed.", "deal", CHANGES),
        EventType(
            "win_loss.reviewed",
            "A won or lost deal was reviewed.",
            "deal",
            {"outcome": "lost", "reasons": [2]},
        ),
        EventType("competitor.changed", "An admin changed the competitor list.", "", CHANGES),
        EventType("win_loss_reason.changed", "An admin changed a win/loss reason.", "", CHANGES),
        EventType(
            "opportunity_prompts.published", "An admin published plan prompts.", "", {"version": 2}
        ),
        EventType(
            "opportunity_settings.changed", "An admin changed opportunity settings.", "", CHANGES
        ),
        EventType(
            "stage.plan_gate_changed",
            "A stage's plan requirement changed.",
            "",
            {"stage": 3, "required": True},
        ),
    )
