"""The kinds of record this app registers for generic features (tasks, notes,
search, templates): how each is named, found and linked."""

from salesproc.registry import (
    QuickCreate,
    RecordType,
    register_quick_create,
    register_record_type,
    represented_by,
)

from .models import Account, Contact


def account_of(record_type, obj):
    """The account a record on this page belongs to, for prefilling: the account itself,
    or the account of a contact, deal or call (duck-typed: apps above us add the kinds)."""
    if record_type == "account":
        return obj.pk
    return getattr(obj, "account_id", None)


def _prefill_account(record_type, obj):
    account_id = account_of(record_type, obj)
    return {"account": account_id} if account_id else None


def register():
    register_record_type(
        RecordType(
            "account",
            "accounts.Account",
            "Account",
            lambda user: Account.objects.visible_to(user),
            process=None,
            order=10,
            represent=represented_by("accounts.api.AccountViewSet"),
        )
    )
    register_record_type(
        RecordType(
            "contact",
            "accounts.Contact",
            "Contact",
            lambda user: Contact.objects.visible_to(user),
            process=None,
            order=20,
            represent=represented_by("accounts.api.ContactViewSet"),
        )
    )
    register_quick_create(QuickCreate("account", "Account", "accounts:account_create", order=10))
    register_quick_create(
        QuickCreate(
            "contact", "Contact", "accounts:contact_create", prefill=_prefill_account, order=20
        )
    )
