"""Who hears that an account dropped into "at risk": its account manager and their
manager, once per drop (the notification key is the event's)."""

from accounts.models import Account
from salesproc import events
from salesproc.services import notify


def notify_at_risk(event):
    account = (
        Account.objects.select_related("account_manager__team__manager")
        .filter(pk=event.object_id)
        .first()
    )
    if account is None or account.account_manager is None:
        return
    manager = account.account_manager
    recipients = [manager]
    team = manager.team
    if team and team.manager_id and team.manager_id != manager.pk:
        recipients.append(team.manager)
    for recipient in recipients:
        notify(
            recipient=recipient,
            text=f"{account.name} is at risk: health {event.data.get('score')}",
            url=account.get_absolute_url(),
            key=f"account-at-risk-{event.pk}",
            email=True,
            kind="account_at_risk",
        )


def register():
    events.subscribe("account.health_at_risk", "accounts.notify_at_risk", notify_at_risk)
