"""deal.won opens a handoff. The event's subject is the deal: accounts reads what it needs
(its account, owner and name) from the event without importing deals."""

from accounts.models import Account
from salesproc import events

from .services import handoff_open_for_won_deal


def open_handoff_on_win(event):
    deal = event.subject
    if deal is None or not getattr(deal, "account_id", None):
        return
    account = (
        Account.all_objects.select_related("owner__team__manager", "account_manager")
        .filter(pk=deal.account_id)
        .first()
    )
    if account is None:
        return
    handoff_open_for_won_deal(
        account=account,
        deal_id=deal.pk,
        deal_name=deal.name,
        won_by=deal.owner,
        won_at=event.created_at,
    )


def register():
    events.subscribe("deal.won", "accounts.open_handoff", open_handoff_on_win)
