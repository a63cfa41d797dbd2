"""The events the shell records (people, teams, roles, the recycle bin, handovers)."""

from .registry import EventType, register_event_types

CHANGES = {"changes": {"name": ["Old name", "New name"]}}


def register():
    register_event_types(
        EventType(
            "user.created",
            "A person was given an account (subject: the user).",
            "",
            {"role": "rep", "team": 3},
        ),
        EventType(
            "user.assigned",
            "A person moved to another team or role (subject: the user).",
            "",
            {"team": [3, 4], "role": ["rep", "manager"]},
        ),
        EventType(
            "user.deactivated",
            "A person's account was switched off (subject: the user).",
            "",
            {"handed_to": 12},
        ),
        EventType("user.reactivated", "A person's account was switched back on.", "", {}),
        EventType("team.created", "A team was created (subject: the team).", "", {"manager": 5}),
        EventType("team.updated", "A team's name or manager changed.", "", CHANGES),
        EventType(
            "role.created",
            "A sales role was added (subject: the role).",
            "",
            {"processes": ["leads", "deals"]},
        ),
        EventType("role.updated", "A sales role's processes changed.", "", CHANGES),
        EventType(
            "login.unlocked",
            "An admin lifted a sign-in lockout (subject: the user).",
            "",
            {"username": "alice"},
        ),
    )
    # The recycle bin records "<type>.restored" and "<type>.purged" for each kind it holds.
    for type_name, label in (
        ("account", "An account"),
        ("contact", "A contact"),
        ("lead", "A lead"),
        ("deal", "A deal"),
        ("call", "A call"),
    ):
        register_event_types(
            EventType(
                f"{type_name}.restored", f"{label} came back from the recycle bin.", type_name, {}
            ),
            EventType(
                f"{type_name}.purged", f"{label} was deleted for good from the bin.", type_name, {}
            ),
        )
