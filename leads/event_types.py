"""The events leads records: leads, qualification, intake forms, CSV imports."""

from salesproc.registry import EventType, register_event_types

CHANGES = {"changes": {"status": ["new", "working"]}}


def register():
    register_event_types(
        EventType(
            "lead.created",
            "A lead was created (by a person, an import or a form).",
            "lead",
            {"owner": 5, "source": "web"},
        ),
        EventType("lead.updated", "A lead's fields changed.", "lead", CHANGES),
        EventType("lead.deleted", "A lead went to the recycle bin.", "lead", {}),
        EventType("lead.scored", "A lead's score was computed.", "lead", {"score": 72}),
        EventType(
            "lead.qualified",
            "A lead passed qualification.",
            "lead",
            {"score": 82, "criteria_version": 3},
        ),
        EventType(
            "lead.disqualified",
            "A lead was disqualified, with its reason.",
            "lead",
            {"score": 20, "reason": "No budget"},
        ),
        EventType(
            "lead.kept_working",
            "Qualification answers were saved, still working.",
            "lead",
            {"score": 55},
        ),
        EventType(
            "lead.converted",
            "A lead became an account, contact and deal.",
            "lead",
            {"account": 12, "contact": 30, "deal": 21, "created": ["account", "deal"]},
        ),
        EventType(
            "lead.reassigned",
            "A lead moved with its owner's handover.",
            "lead",
            {"owner": ["Alice Rep", "Bob Rep"], "handover": True},
        ),
        EventType(
            "lead.intake_received",
            "An intake form was sent again by a person who is "
            "already the team's lead (the submission is attached, nothing overwritten).",
            "lead",
            {"submission": 44, "form": 2, "proposed": {"phone": ["", "+49 30 1234"]}},
        ),
        EventType(
            "qualification_criteria.changed", "An admin published new criteria.", "", {"version": 4}
        ),
        EventType(
            "disqualification_reason.added",
            "An admin added a disqualification reason.",
            "",
            {"changes": {}},
        ),
        EventType(
            "disqualification_reason.changed",
            "A disqualification reason changed.",
            "",
            {"changes": {}},
        ),
        EventType("intake_form.created", "An admin created an intake form.", "", {}),
        EventType("intake_form.updated", "An admin changed an intake form.", "", {"changes": {}}),
        EventType("intake_form.key_regenerated", "An intake form got a new key.", "", {}),
        EventType(
            "intake_form.submission_retried",
            "A failed intake submission was retried.",
            "",
            {"submission": 44},
        ),
        EventType("lead_import.uploaded", "A CSV of leads was uploaded.", "", {"rows": 1200}),
        EventType("lead_import.queued", "A lead import was started.", "", {"rows": 1200}),
        EventType(
            "lead_import.finished",
            "A lead import finished.",
            "",
            {"created": 1150, "updated": 30, "failed": 20},
        ),
        EventType("lead_import.deleted", "A lead import was deleted.", "", {}),
    )
