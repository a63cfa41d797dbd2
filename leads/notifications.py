"""Who hears that a lead is theirs: its new owner, when someone else (a colleague, a
manager, an intake form) gave it to them. Imports are left out: a 10,000-row file
would bury the person in notifications; the import report lists the leads instead.
Registered in LeadsConfig.ready(); the key is the event's, so a redelivery notifies once.
"""

from salesproc import events
from salesproc.services import notify

from .models import Lead


def notify_lead_owner(event):
    if event.via == "import":
        return
    if event.name == "lead.updated" and "owner" not in (event.data.get("changes") or {}):
        return
    lead = Lead.objects.select_related("owner").filter(pk=event.object_id).first()
    if lead is None or lead.owner_id is None or lead.owner_id == event.actor_id:
        return
    by = event.actor.display_name if event.actor_id else "A web form"
    notify(
        recipient=lead.owner,
        text=f"{by} assigned you a new lead: {lead.full_name}"
        + (f" ({lead.company_name})" if lead.company_name else ""),
        url=lead.get_absolute_url(),
        key=f"lead-assigned-{event.pk}",
        kind="lead_assigned",
    )


def register():
    events.subscribe("lead.created", "leads.notify_lead_owner", notify_lead_owner)
    events.subscribe("lead.updated", "leads.notify_new_lead_owner", notify_lead_owner)
