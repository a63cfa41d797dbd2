"""The account and contact lists' bulk actions, each row through the account services
(registered from ready())."""

from salesproc.bulk_actions.forms import OwnerForm, choice_form
from salesproc.registry import BulkAction, BulkList, register_bulk_action, register_bulk_list
from salesproc.views import int_or_none

from . import selectors, services
from .models import Account


def accounts_filtered(*, user, params):
    return selectors.account_list(
        user=user,
        search=(params.get("q") or "").strip(),
        status=params.get("status") or "",
        industry=params.get("industry") or "",
        owner=int_or_none(params.get("owner")),
        country=params.get("country") or "",
    )


def contacts_filtered(*, user, params):
    dm = params.get("decision_maker")
    return selectors.contact_list(
        user=user,
        search=(params.get("q") or "").strip(),
        account=int_or_none(params.get("account")),
        owner=int_or_none(params.get("owner")),
        decision_maker={"yes": True, "no": False}.get(dm),
    )


def account_reassign(*, actor, record, params):
    services.account_update(
        actor=actor, account=record, data={"owner": params["owner"]}, allow_duplicate=True
    )


def account_set_status(*, actor, record, params):
    services.account_update(
        actor=actor, account=record, data={"status": params["status"]}, allow_duplicate=True
    )


def account_delete(*, actor, record, params):
    services.account_delete(actor=actor, account=record)


def contact_reassign(*, actor, record, params):
    services.contact_update(
        actor=actor, contact=record, data={"owner": params["owner"]}, allow_duplicate=True
    )


def contact_delete(*, actor, record, params):
    services.contact_delete(actor=actor, contact=record)


StatusForm = choice_form(
    "status", "New status", lambda user: Account.Status.choices, "Choose the new status."
)


def register():
    register_bulk_list(BulkList("account", accounts_filtered))
    register_bulk_list(BulkList("contact", contacts_filtered))
    for action in (
        BulkAction("account", "reassign", "Reassign owner", account_reassign, form=OwnerForm),
        BulkAction("account", "status", "Change status", account_set_status, form=StatusForm),
        BulkAction(
            "account",
            "delete",
            "Move to the recycle bin",
            account_delete,
            confirm="Move the selected accounts to the recycle bin?",
            order=190,
        ),
        BulkAction("contact", "reassign", "Reassign owner", contact_reassign, form=OwnerForm),
        BulkAction(
            "contact",
            "delete",
            "Move to the recycle bin",
            contact_delete,
            confirm="Move the selected contacts to the recycle bin?",
            order=190,
        ),
    ):
        register_bulk_action(action)
