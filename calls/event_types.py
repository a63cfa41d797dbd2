"""The events calls records: planning, holding, debriefing and reviewing calls."""

from salesproc.registry import EventType, register_event_types

CHANGES = {"changes": {"name": ["Old", "New"]}}


def register():
    register_event_types(
        EventType(
            "call.planned",
            "A call was planned.",
            "call",
            {
                "scheduled_at": "2026-12-08T10:00:00+00:00",
                "questions": 4,
                "objections": 2,
                "follow_up_of": None,
                "rescheduled_from": None,
            },
        ),
        EventType(
            "call.plan_updated",
            "A call's plan changed.",
            "call",
            {"changes": {"purpose": ["Intro", "Demo"]}},
        ),
        EventType(
            "call.rescheduled",
            "A call moved to another time.",
            "call",
            {"from": "2026-12-08T10:00:00+00:00", "to": "2026-12-09T10:00:00+00:00"},
        ),
        EventType("call.cancelled", "A call was cancelled.", "call", {"reason": "Buyer ill"}),
        EventType(
            "call.completed",
            "A call was held; its outcome and next steps saved.",
            "call",
            {"asked": 3, "planned_questions": 4, "objections_met": 1, "duration_minutes": 30},
        ),
        EventType("call.no_show", "The buyer did not turn up.", "call", {"note": ""}),
        EventType(
            "call.debriefed",
            "A held call was debriefed.",
            "call",
            {"unasked": 1, "unresolved": 0, "review_requested": False},
        ),
        EventType("call.review_requested", "A rep asked for a call review.", "call", {}),
        EventType("call.reviewed", "A manager reviewed a call.", "call", {"rating": 4}),
        EventType("call.review_acknowledged", "The rep read the review.", "call", {}),
        EventType("call.deleted", "A call went to the recycle bin.", "call", {}),
        EventType(
            "call.reassigned",
            "A planned call got another owner (given by hand, or with its owner's handover).",
            "call",
            {"owner": ["Alice Rep", "Bob Rep"], "handover": True},
        ),
        EventType("calendar.token_created", "A person created a calendar feed link.", "", {}),
        EventType("calendar.token_revoked", "A person revoked a calendar feed link.", "", {}),
        EventType("call_type.created", "An admin added a call type.", "", {}),
        EventType("call_type.updated", "An admin changed a call type.", "", CHANGES),
        EventType("call_type.deleted", "An admin removed a call type.", "", {}),
        EventType("objection.created", "An objection was added to the library.", "", {}),
        EventType("objection.updated", "An objection in the library changed.", "", CHANGES),
        EventType("objection.deleted", "An objection was removed from the library.", "", {}),
    )
