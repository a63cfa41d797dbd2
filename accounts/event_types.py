"""The events accounts records: accounts, contacts, account plans, health, handoffs."""

from salesproc.registry import EventType, register_event_types

CHANGES = {"changes": {"industry": ["", "Software"]}}
PLAN = {"plan": 7, "period": "2026-H2", "version": 3}


def _plan_items():
    # account_plan.<item>_added / _updated / _deleted (accounts.plans.services._save_item)
    for item, label in (
        ("need", "A need"),
        ("action", "An action item"),
        ("risk", "A risk"),
        ("relationshipentry", "A relationship entry"),
    ):
        for verb in ("added", "updated", "deleted"):
            yield EventType(
                f"account_plan.{item}_{verb}",
                f"{label} was {verb} on an account plan (subject: the account).",
                "account",
                {"plan": 7, "item": 31},
            )


def register():
    register_event_types(
        EventType("account.created", "An account was created.", "account", {"owner": 5}),
        EventType("account.updated", "An account's fields changed.", "account", CHANGES),
        EventType("account.deleted", "An account went to the recycle bin.", "account", {}),
        EventType(
            "account.owner_changed",
            "An account got another owner.",
            "account",
            {"owner": ["Alice Rep", "Bob Rep"]},
        ),
        EventType(
            "account.reassigned",
            "An account moved with its owner's handover.",
            "account",
            {"owner": ["Alice Rep", "Bob Rep"], "handover": True},
        ),
        EventType(
            "account.management_changed",
            "An account's management level changed.",
            "account",
            {"from": "standard", "to": "key"},
        ),
        EventType(
            "account.health_at_risk",
            "An account's health dropped to at risk.",
            "account",
            {"score": 38, "previous": 61},
        ),
        EventType(
            "account_health.settings_changed", "An admin changed the health weights.", "", CHANGES
        ),
        EventType("contact.created", "A contact was created.", "contact", {"account": 12}),
        EventType(
            "contact.updated",
            "A contact's fields changed.",
            "contact",
            {"changes": {"title": ["", "CFO"]}},
        ),
        EventType("contact.deleted", "A contact went to the recycle bin.", "contact", {}),
        EventType(
            "contact.owner_changed",
            "A contact got another owner.",
            "contact",
            {"owner": ["Alice Rep", "Bob Rep"]},
        ),
        EventType(
            "contact.reassigned",
            "A contact moved with its owner's handover.",
            "contact",
            {"owner": ["Alice Rep", "Bob Rep"], "handover": True},
        ),
        EventType(
            "account_plan.created",
            "An account plan was started (subject: the account).",
            "account",
            PLAN,
        ),
        EventType("account_plan.updated", "An account plan's text changed.", "account", PLAN),
        EventType(
            "account_plan.submitted", "An account plan went to the manager.", "account", PLAN
        ),
        EventType("account_plan.approved", "A manager approved an account plan.", "account", PLAN),
        EventType(
            "account_plan.changes_requested",
            "A manager sent an account plan back.",
            "account",
            {**PLAN, "comment": "Add the renewal risk"},
        ),
        EventType(
            "account_plan.prompt_added", "An admin added an account plan prompt.", "", CHANGES
        ),
        EventType(
            "account_plan.prompt_changed", "An admin changed an account plan prompt.", "", CHANGES
        ),
        EventType(
            "account_plan.settings_changed", "An admin changed account plan settings.", "", CHANGES
        ),
        *_plan_items(),
        EventType(
            "handoff.opened",
            "A won deal opened a handoff (subject: the account).",
            "account",
            {"handoff": 4, "deal": 21},
        ),
        EventType(
            "handoff.assigned",
            "A handoff got its account manager.",
            "account",
            {"handoff": 4, "deal": 21, "to": 9},
        ),
        EventType(
            "handoff.submitted",
            "The rep submitted a handoff.",
            "account",
            {"handoff": 4, "deal": 21},
        ),
        EventType(
            "handoff.accepted",
            "The account manager accepted a handoff.",
            "account",
            {"handoff": 4, "deal": 21},
        ),
        EventType(
            "handoff.commented",
            "Someone commented on a handoff.",
            "account",
            {"handoff": 4, "deal": 21},
        ),
        EventType(
            "handoff.debrief_saved",
            "A handoff's debrief was saved.",
            "account",
            {"handoff": 4, "deal": 21},
        ),
    )
