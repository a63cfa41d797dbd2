"""The kinds of record this app registers for generic features (tasks, notes,
search, templates): how each is named, found and linked."""

from salesproc.registry import RecordType, register_record_type

from .models import Account, Contact


def register():
    register_record_type(
        RecordType(
            "account",
            "accounts.Account",
            "Account",
            lambda user: Account.objects.visible_to(user),
            process=None,
            order=10,
            represent=_represent_account,
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
            represent=_represent_contact,
        )
    )


def _represent_account(obj, *, user):
    """The account as the API shows it to user (None if hidden): webhook payloads."""
    from salesproc.api_support import represent_with

    from .api import AccountViewSet

    return represent_with(AccountViewSet, obj, user=user)


def _represent_contact(obj, *, user):
    """The contact as the API shows it to user (None if hidden): webhook payloads."""
    from salesproc.api_support import represent_with

    from .api import ContactViewSet

    return represent_with(ContactViewSet, obj, user=user)
