"""The workflow actions leads provides: create the lead's deal (convert it), set its
status, and assign its owner round-robin over the owner's team.

Each calls leads' services acting for the lead's owner (for an assignment, the team's
manager, who may give a lead to the team) and never reaches another team.
"""

from django.core.exceptions import ValidationError

from salesproc import processes
from salesproc.models import User
from salesproc.registry import Param, WorkflowAction, register_workflow_action

from .models import Lead
from .services import lead_convert, lead_disqualify, lead_keep_working, lead_update


def _lead(subject, actor):
    if not isinstance(subject, Lead):
        raise ValidationError({"record": "This action works on leads."})
    if not Lead.objects.visible_to(actor).filter(pk=subject.pk).exists():
        raise ValidationError({"record": "The lead is out of the owner's reach."})
    return subject


def create_deal(*, actor, event, subject, params, dry_run):
    lead = _lead(subject, actor)
    if lead.converted_deal_id:
        return f"{lead} already has a deal: nothing to do"
    if lead.status != Lead.Status.QUALIFIED:
        raise ValidationError({"status": "Only a qualified lead gets its deal."})
    if dry_run:
        return f"Would convert {lead} into account, contact and deal for {actor.display_name}"
    lead = lead_convert(actor=actor, lead=lead, deal_name=params.get("deal_name") or "")
    return f"Created the deal #{lead.converted_deal_id} of {lead} (converted the lead)"


STATUSES = (("working", "Working"), ("disqualified", "Disqualified"))


def set_status(*, actor, event, subject, params, dry_run):
    lead = _lead(subject, actor)
    status = params["status"]
    if lead.status == status:
        return f"{lead} is already {lead.get_status_display().lower()}: nothing to do"
    if lead.status in (Lead.Status.CONVERTED,):
        raise ValidationError({"status": "A converted lead keeps its status."})
    if dry_run:
        return f"Would set {lead} to {status}"
    note = "Set by a workflow rule"
    if status == "working":
        lead_keep_working(actor=actor, lead=lead, answers={}, note=note)
    else:
        lead_disqualify(actor=actor, lead=lead, reason=params.get("reason") or "", note=note)
    return f"Set {lead} to {status}"


def _next_in_team(lead):
    """Round-robin over the owner's team (those who work leads, by id): the member after
    the one who got the team's previous lead."""
    team_id = lead.owner.team_id
    members = [
        user
        for user in User.objects.filter(team_id=team_id, is_active=True)
        .select_related("role", "team")
        .order_by("pk")
        if user.runs(processes.LEADS)
    ]
    if not members:
        raise ValidationError({"owner": "Nobody in the owner's team works leads."})
    previous = (
        Lead.objects.filter(owner__team_id=team_id)
        .exclude(pk=lead.pk)
        .filter(created_at__lte=lead.created_at)
        .order_by("-created_at", "-pk")
        .values_list("owner_id", flat=True)
        .first()
    )
    after = [user for user in members if previous is not None and user.pk > previous]
    return after[0] if after else members[0]


def assign_owner(*, actor, event, subject, params, dry_run):
    lead = _lead(subject, actor)
    if not lead.owner.team_id:
        raise ValidationError({"owner": f"{lead.owner} is in no team to rotate over."})
    owner = _next_in_team(lead)
    if owner.pk == lead.owner_id:
        return f"{lead} stays with {owner.display_name} (their turn)"
    if dry_run:
        return f"Would give {lead} to {owner.display_name}"
    manager = lead.owner.team.manager
    # The manager gives leads within the team; without one, the system does (actor None),
    # still only to a member of the same team.
    lead_update(actor=manager, lead=lead, data={"owner": owner})
    return f"Gave {lead} to {owner.display_name}"


def register():
    register_workflow_action(
        WorkflowAction(
            "leads.create_deal",
            "Create the lead's deal (convert it)",
            create_deal,
            params=(Param("deal_name", "Deal name", required=False, default=""),),
            records=("lead",),
            order=21,
        )
    )
    register_workflow_action(
        WorkflowAction(
            "leads.set_status",
            "Set the lead's status",
            set_status,
            params=(
                Param("status", "Status", "choice", choices=STATUSES),
                Param("reason", "Reason (to disqualify)", required=False, default=""),
            ),
            records=("lead",),
            order=40,
        )
    )
    register_workflow_action(
        WorkflowAction(
            "leads.assign_owner",
            "Assign the owner (round-robin over the team)",
            assign_owner,
            records=("lead",),
            order=50,
        )
    )
