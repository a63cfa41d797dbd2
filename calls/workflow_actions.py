"""The workflow action calls provides: plan the follow-up call N days later."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from salesproc.registry import Param, WorkflowAction, register_workflow_action

from .models import Call
from .services.follow_up import call_plan_follow_up


def plan_follow_up(*, actor, event, subject, params, dry_run):
    if not isinstance(subject, Call):
        raise ValidationError({"record": "This action works on calls."})
    call = subject
    if call.owner_id != actor.pk:
        raise ValidationError({"record": "Only the call's owner plans its follow-up."})
    if Call.objects.live_follow_ups_of(call).exists():
        return f"{call.purpose}: a follow-up is already planned, nothing to do"
    days = int(params.get("days") or 7)
    # N days after the call was held, at the time of day it was held.
    base = timezone.localtime(call.completed_at or timezone.now())
    when = base.replace(
        hour=timezone.localtime(call.scheduled_at).hour, minute=0, second=0, microsecond=0
    ) + timedelta(days=days)
    if dry_run:
        return f"Would plan the follow-up of “{call.purpose}” on {when:%d %b %Y %H:%M}"
    follow_up = call_plan_follow_up(actor=actor, call=call, scheduled_at=when)
    return f"Planned the follow-up “{follow_up.purpose}” (#{follow_up.pk}) on {when:%d %b %Y %H:%M}"


def register():
    register_workflow_action(
        WorkflowAction(
            "calls.plan_follow_up",
            "Plan the follow-up call",
            plan_follow_up,
            params=(Param("days", "Days later", "int", default=7),),
            records=("call",),
            order=25,
        )
    )
