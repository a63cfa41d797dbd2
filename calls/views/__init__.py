"""The call pages, one module per concept; calls/urls.py mounts them from here."""

from .calendar import calendar_feed, calendar_settings
from .lists import agenda, call_list, coaching
from .planning import call_edit, call_plan
from .review import call_review, review_queue
from .settings import call_type_edit, call_type_list, objection_edit, objection_list
from .steps import (
    call_acknowledge,
    call_cancel,
    call_debrief,
    call_detail,
    call_follow_up,
    call_log,
    call_no_show,
    call_request_review,
)

__all__ = [
    "agenda",
    "calendar_feed",
    "calendar_settings",
    "call_acknowledge",
    "call_cancel",
    "call_debrief",
    "call_detail",
    "call_edit",
    "call_follow_up",
    "call_list",
    "call_log",
    "call_no_show",
    "call_plan",
    "call_request_review",
    "call_review",
    "call_type_edit",
    "call_type_list",
    "coaching",
    "objection_edit",
    "objection_list",
    "review_queue",
]
