"""Who hears that a lead is theirs: its new owner, when someone else (a colleague, a
manager) gave it to them in the pages or the API. Imports are left out: a 10,000-row
file would bury the person in notifications; the import report lists the leads instead.
Intake forms tell the rep themselves (leads.intake.services), so they are left out too.
Registered in LeadsConfig.ready(); the key is the event's, so a redelivery notifies once.
"""

from salesproc import events
from salesproc.services import notify

from .models import Lead


def notify_lead_owner(event):
    if event.actor_id is None:
        return
    lead = Lead.objects.select_related("owner").filter(pk=event.object_id).first()
    if lead is None or lead.owner_id is None or lead.owner_id == event.actor_id:
        return
    # Only the person the event gave the lead to, if they still own it (the event is
    # handed over after the fact: the lead may have moved on since).
    if event.name == "lead.created" and event.data.get("owner") != lead.owner_id:
        return
    if event.name == "lead.updated":
        change = (event.data.get("changes") or {}).get("owner")
        if not change or change[-1] != str(lead.owner):
            return
    by = event.actor.display_name
    notify(
        recipient=lead.owner,
        text=f"{by} assigned you a new lead: {lead.full_name}"
        + (f" ({lead.company_name})" if lead.company_name else ""),
        url=lead.get_absolute_url(),
        key=f"lead-assigned-{event.pk}",
        kind="lead_assigned",
    )


def register():
    # An import or a web form hands leads out in bulk or to nobody: no one is told.
    quiet = ("import", "intake")
    events.subscribe("lead.created", "leads.notify_lead_owner", notify_lead_owner, ignore_via=quiet)
    events.subscribe(
        "lead.updated", "leads.notify_new_lead_owner", notify_lead_owner, ignore_via=quiet
    )
