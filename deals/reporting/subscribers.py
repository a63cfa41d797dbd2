"""Event subscribers of deal reporting, registered in DealsConfig.ready().

`deal.stalled` -> the owner's notification. Idempotent: the notification's key is the
stall's, so a redelivered event notifies nobody twice.
"""

from deals.models import Deal
from salesproc.services import notify

STALLED_SUBSCRIBER = "deals.notify_stalled_owner"


def notify_stalled_owner(event) -> None:
    """Tell the owner their deal has sat in its stage past the stage's limit."""
    deal = Deal.objects.select_related("owner").filter(pk=event.object_id).first()
    if deal is None or not deal.is_open:
        return
    data = event.data
    notify(
        recipient=deal.owner,
        text=f"{deal.name} has been in {data['stage_name']} for {data['days_in_stage']} days "
        f"(limit {data['limit']}): time to move it on or close it.",
        url=deal.get_absolute_url(),
        key=data["stall"],
        kind="deal_stalled",
    )
