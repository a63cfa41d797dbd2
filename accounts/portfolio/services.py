from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Account
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import check_owner


@transaction.atomic
def account_set_management(
    *, actor: User, account: Account, is_managed: bool, account_manager: User | None
) -> Account:
    """Mark an account as managed (a key account) and give it its account manager.

    Only a manager or an admin decides which accounts are key accounts; the account
    manager is someone the actor may give accounts to (their team, or anyone for an admin).
    """
    if not (actor.is_manager or actor.is_crm_admin):
        raise PermissionDenied("Only a manager or an admin marks key accounts.")
    if account_manager is not None and account_manager != account.account_manager:
        try:
            check_owner(actor=actor, owner=account_manager, records="accounts")
        except ValidationError:
            raise ValidationError(
                {"account_manager": "You can only make yourself or your team the account manager."}
            )
    account = Account.objects.select_for_update().get(pk=account.pk)
    before = (account.is_managed, account.account_manager_id)
    if before == (is_managed, account_manager.pk if account_manager else None):
        return account
    account.is_managed = is_managed
    account.account_manager = account_manager
    account.save(update_fields=["is_managed", "account_manager", "updated_at"])
    if is_managed:
        manager_name = account_manager.display_name if account_manager else "no account manager yet"
        summary = f"Managed as a key account ({manager_name})"
    else:
        summary = "No longer managed as a key account"
    record_event(
        subject=account,
        name="account.management_changed",
        actor=actor,
        summary=summary,
        data={
            "is_managed": is_managed,
            "account_manager": account_manager.pk if account_manager else None,
            "before": {"is_managed": before[0], "account_manager": before[1]},
        },
    )
    return account
