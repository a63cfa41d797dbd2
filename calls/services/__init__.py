"""Writes for call management, one module per concept; each step of a call is one service.

planned -> completed -> debriefed -> reviewed, plus no_show (may still be debriefed),
rescheduled (a new planned call replaces it) and cancelled. The plan is frozen once
the call has happened. Every step records an event on the call that also shows in
the timeline of its contact, lead, account and deal.

    planning      what the call is about, its questions and objections, the plan
    follow_up     the next call, prefilled; one per call unless asked for another
    rescheduling  moved, cancelled, deleted
    execution     logged as held, or a no-show
    reassign, handover   one planned call, or all of a person's, to another owner
    review        debrief, review request, review, acknowledgement
    call_types, objections, calendar   settings and the calendar feed

Services take typed keyword-only arguments (see calls.inputs); this package only
gathers their names.
"""

from .calendar import calendar_token_regenerate, calendar_token_revoke
from .call_types import call_type_create, call_type_delete, call_type_update
from .checks import UNCHANGED, require_owner
from .execution import call_complete, call_mark_no_show, require_loggable
from .follow_up import call_plan_follow_up, follow_up_initial
from .handover import call_reassign_open
from .objections import objection_create, objection_delete, objection_update
from .planning import call_plan, call_update_plan, plan_defaults
from .reassign import call_reassign
from .rescheduling import call_cancel, call_delete, call_reschedule
from .review import (
    RATING_KEYS,
    call_acknowledge_review,
    call_debrief,
    call_request_review,
    call_review,
    may_review,
    require_debriefable,
    require_reviewable,
    require_reviewer,
)

__all__ = [
    "call_reassign",
    "call_reassign_open",
    "RATING_KEYS",
    "UNCHANGED",
    "calendar_token_regenerate",
    "calendar_token_revoke",
    "call_acknowledge_review",
    "call_cancel",
    "call_complete",
    "call_debrief",
    "call_delete",
    "call_mark_no_show",
    "call_plan",
    "call_plan_follow_up",
    "call_reschedule",
    "call_request_review",
    "call_review",
    "call_type_create",
    "call_type_delete",
    "call_type_update",
    "call_update_plan",
    "follow_up_initial",
    "may_review",
    "objection_create",
    "objection_delete",
    "objection_update",
    "plan_defaults",
    "require_debriefable",
    "require_loggable",
    "require_owner",
    "require_reviewable",
    "require_reviewer",
]
