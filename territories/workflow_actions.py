"""The territory variant of "assign the owner": the account's territory's rep becomes
its owner, through accounts' service, only within the current owner's team."""

from django.core.exceptions import ValidationError

from accounts.models import Account
from accounts.services import account_owners_set
from salesproc.registry import WorkflowAction, register_workflow_action

from .models import AccountTerritory


def assign_territory_rep(*, actor, event, subject, params, dry_run):
    account = subject if isinstance(subject, Account) else getattr(subject, "account", None)
    if account is None or not Account.objects.visible_to(actor).filter(pk=account.pk).exists():
        raise ValidationError({"account": "The record has no account its owner may see."})
    placed = (
        AccountTerritory.objects.select_related("territory__rep").filter(account=account).first()
    )
    rep = placed.territory.rep if placed and placed.territory else None
    if rep is None or not rep.is_active:
        raise ValidationError({"territory": f"{account.name} is in no territory with a rep."})
    if rep.pk == account.owner_id:
        return f"{account.name} is already {rep.display_name}'s: nothing to do"
    # Never across teams: the rep must be in the team of the account's current owner.
    if not account.owner.team_id or rep.team_id != account.owner.team_id:
        raise ValidationError(
            {"owner": f"{rep.display_name} is in another team: the account stays where it is."}
        )
    if dry_run:
        return f"Would give {account.name} to its territory's rep {rep.display_name}"
    account_owners_set(owners={account.pk: rep.pk}, actor=None, reason="A workflow rule")
    return f"Gave {account.name} to its territory's rep {rep.display_name}"


def register():
    register_workflow_action(
        WorkflowAction(
            "territories.assign_territory_rep",
            "Assign the owner: the territory's rep",
            assign_territory_rep,
            records=("account", "contact", "deal", "call"),
            order=51,
        )
    )
