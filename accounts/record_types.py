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
        )
    )
