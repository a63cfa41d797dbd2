"""The workflow actions deals provides: create a deal, set its forecast category, win it.

Each acts for the record's owner through deals' services and reaches only deals and
accounts that owner may see: another team's are refused (a permanent failure).
"""

from django.core.exceptions import ValidationError

from accounts.models import Account, Contact
from salesproc.registry import Param, WorkflowAction, register_workflow_action

from .models import Deal
from .reporting.services import deal_set_forecast_category
from .services import deal_create, deal_win


def _account_and_contact(subject, actor):
    if isinstance(subject, Account):
        account, contact = subject, None
    elif isinstance(subject, Contact):
        account, contact = subject.account, subject
    elif isinstance(subject, Deal):
        account, contact = subject.account, subject.primary_contact
    else:
        account, contact = getattr(subject, "account", None), None
    if account is None or not Account.objects.visible_to(actor).filter(pk=account.pk).exists():
        raise ValidationError({"account": "The record has no account its owner may see."})
    return account, contact


def create_deal(*, actor, event, subject, params, dry_run):
    account, contact = _account_and_contact(subject, actor)
    name = (params.get("name") or "").strip() or f"{account.name}: new deal"
    amount = params.get("amount") or None
    if dry_run:
        return f"Would create the deal “{name}” with {account.name} for {actor.display_name}"
    deal = deal_create(
        actor=actor,
        name=name,
        account=account,
        owner=actor,
        amount=amount,
        primary_contact=contact,
    )
    return f"Created the deal “{deal.name}” (#{deal.pk}) for {actor.display_name}"


def _deal_of(subject, event, actor):
    """The event's deal: the subject if it is one, else data["deal_id"], of the acting
    owner's team only."""
    deal_id = subject.pk if isinstance(subject, Deal) else (event.data or {}).get("deal_id")
    deal = Deal.objects.select_related("owner").filter(pk=deal_id or None).first()
    if deal is None:
        raise ValidationError({"deal": "The event names no deal."})
    same_team = deal.owner_id == actor.pk or (
        actor.team_id is not None and deal.owner.team_id == actor.team_id
    )
    if not same_team:
        raise ValidationError({"deal": "The deal belongs to another team: nothing done."})
    return deal


def win_deal(*, actor, event, subject, params, dry_run):
    deal = _deal_of(subject, event, actor)
    if not deal.is_open:
        return f"{deal.name} is already {deal.get_status_display().lower()}: nothing to do"
    if dry_run:
        return f"Would win {deal.name} for {deal.owner.display_name}"
    deal_win(actor=deal.owner, deal=deal)
    return f"Won {deal.name}"


def set_forecast_category(*, actor, event, subject, params, dry_run):
    deal = _deal_of(subject, event, actor)
    category = params["category"]
    # The override is a manager's: the rule acts as the owner's manager for it.
    manager = deal.owner.team.manager if deal.owner.team_id else None
    if manager is None or not manager.is_active:
        raise ValidationError({"category": f"{deal.owner} has no manager to set it."})
    label = Deal.ForecastCategory(category).label
    if deal.forecast_category == category:
        return f"{deal.name} is already in {label}: nothing to do"
    if dry_run:
        return f"Would set the forecast category of {deal.name} to {label}"
    deal_set_forecast_category(actor=manager, deal=deal, category=category, version=deal.version)
    return f"Set the forecast category of {deal.name} to {label}"


OPEN_CATEGORIES = tuple(
    (value, label) for value, label in Deal.ForecastCategory.choices if value != "closed"
)


def register():
    register_workflow_action(
        WorkflowAction(
            "deals.create_deal",
            "Create a deal",
            create_deal,
            params=(
                Param(
                    "name",
                    "Deal name",
                    required=False,
                    default="",
                    help="Empty: “<account>: new deal”.",
                ),
                Param("amount", "Amount", "decimal", required=False),
            ),
            records=("account", "contact", "deal"),
            order=20,
        )
    )
    register_workflow_action(
        WorkflowAction(
            "deals.set_forecast_category",
            "Set the deal's forecast category",
            set_forecast_category,
            params=(Param("category", "Category", "choice", choices=OPEN_CATEGORIES),),
            records=("deal",),
            order=30,
        )
    )
    register_workflow_action(WorkflowAction("deals.win_deal", "Win the deal", win_deal, order=35))
