"""Writes for accounts and contacts. Every change leaves an event on the record."""

from django.core.exceptions import ValidationError
from django.db import transaction

from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import apply_changes, check_owner

from .models import Account, Contact, normalise_domain
from .selectors import accounts_with_domain, contacts_with_email

ACCOUNT_FIELDS = [
    "name",
    "website",
    "domain",
    "industry",
    "employee_count",
    "annual_revenue",
    "country",
    "region",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "status",
    "owner",
    "account_manager",
]
CONTACT_FIELDS = [
    "account",
    "first_name",
    "last_name",
    "job_title",
    "email",
    "phone",
    "is_decision_maker",
    "owner",
]


def _duplicate(field, message):
    """A duplicate warning: the form offers to confirm, the API to send allow_duplicate."""
    return ValidationError({field: ValidationError(message, code="duplicate")})


def account_duplicates(*, domain, exclude_pk=None):
    domain = normalise_domain(domain)
    if not domain:
        return Account.objects.none()
    qs = accounts_with_domain(domain)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


@transaction.atomic
def account_create(*, actor: User, data: dict, allow_duplicate: bool = False) -> Account:
    data = dict(data)
    data.setdefault("owner", actor)
    check_owner(actor=actor, owner=data["owner"])
    data["domain"] = normalise_domain(data.get("domain") or data.get("website"))
    if (
        not allow_duplicate
        and data["domain"]
        and account_duplicates(domain=data["domain"]).exists()
    ):
        raise _duplicate(
            "domain",
            f"An account with the domain {data['domain']} already exists. "
            "Confirm to create a duplicate anyway.",
        )
    account = Account()
    apply_changes(account, ACCOUNT_FIELDS, data)
    account.full_clean()
    account.save()
    record_event(
        subject=account,
        name="account.created",
        actor=actor,
        summary=f"Account {account.name} created",
        data={"owner": account.owner_id},
    )
    return account


@transaction.atomic
def account_update(
    *, actor: User, account: Account, data: dict, allow_duplicate: bool = False
) -> Account:
    data = dict(data)
    if "owner" in data and data["owner"] != account.owner:
        check_owner(actor=actor, owner=data["owner"])
    if "domain" in data or "website" in data:
        data["domain"] = normalise_domain(
            data.get("domain") or data.get("website", account.website)
        )
        if (
            not allow_duplicate
            and data["domain"]
            and data["domain"] != account.domain
            and account_duplicates(domain=data["domain"], exclude_pk=account.pk).exists()
        ):
            raise _duplicate(
                "domain",
                f"An account with the domain {data['domain']} already exists. "
                "Confirm to keep a duplicate anyway.",
            )
    changes = apply_changes(account, ACCOUNT_FIELDS, data)
    if not changes:
        return account
    account.full_clean()
    account.save()
    owner_change = changes.pop("owner", None)
    if changes:
        record_event(
            subject=account,
            name="account.updated",
            actor=actor,
            summary="Changed " + ", ".join(sorted(changes)),
            data={"changes": changes},
        )
    if owner_change:
        record_event(
            subject=account,
            name="account.owner_changed",
            actor=actor,
            summary=f"Owner changed from {owner_change[0]} to {owner_change[1]}",
            data={"from": owner_change[0], "to": owner_change[1]},
        )
    return account


@transaction.atomic
def account_delete(*, actor: User, account: Account) -> None:
    record_event(
        subject=account,
        name="account.deleted",
        actor=actor,
        summary=f"Account {account.name} deleted",
        data={"name": account.name},
    )
    account.delete()


@transaction.atomic
def contact_create(*, actor: User, data: dict, allow_duplicate: bool = False) -> Contact:
    data = dict(data)
    data.setdefault("owner", actor)
    check_owner(actor=actor, owner=data["owner"])
    data["email"] = (data.get("email") or "").strip().lower()
    if not allow_duplicate and data["email"] and contacts_with_email(data["email"]).exists():
        raise _duplicate(
            "email",
            f"A contact with the email {data['email']} already exists. "
            "Confirm to create a duplicate anyway.",
        )
    contact = Contact()
    apply_changes(contact, CONTACT_FIELDS, data)
    contact.full_clean()
    contact.save()
    record_event(
        subject=contact,
        name="contact.created",
        actor=actor,
        summary=f"Contact {contact.full_name} created",
        also=[contact.account],
    )
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, data: dict, allow_duplicate: bool = False
) -> Contact:
    data = dict(data)
    if "owner" in data and data["owner"] != contact.owner:
        check_owner(actor=actor, owner=data["owner"])
    if "email" in data:
        data["email"] = (data["email"] or "").strip().lower()
        if (
            not allow_duplicate
            and data["email"]
            and data["email"] != contact.email
            and contacts_with_email(data["email"]).exclude(pk=contact.pk).exists()
        ):
            raise _duplicate(
                "email",
                f"A contact with the email {data['email']} already exists. "
                "Confirm to keep a duplicate anyway.",
            )
    changes = apply_changes(contact, CONTACT_FIELDS, data)
    if not changes:
        return contact
    contact.full_clean()
    contact.save()
    owner_change = changes.pop("owner", None)
    if changes:
        record_event(
            subject=contact,
            name="contact.updated",
            actor=actor,
            summary="Changed " + ", ".join(sorted(changes)),
            data={"changes": changes},
            also=[contact.account],
        )
    if owner_change:
        record_event(
            subject=contact,
            name="contact.owner_changed",
            actor=actor,
            summary=f"Owner changed from {owner_change[0]} to {owner_change[1]}",
            data={"from": owner_change[0], "to": owner_change[1]},
        )
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    record_event(
        subject=contact,
        name="contact.deleted",
        actor=actor,
        summary=f"Contact {contact.full_name} deleted",
        data={"name": contact.full_name},
        also=[contact.account],
    )
    contact.delete()


# -- handing a person's records to someone else (salesproc.handover) -------------------


def account_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    """Every account from_user owns goes to to_user (accounts have no closed state)."""
    from salesproc.handover import reassign_owned

    return reassign_owned(
        Account.objects.all(),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="account.reassigned",
    )


def contact_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    from salesproc.handover import reassign_owned

    return reassign_owned(
        Contact.objects.all(),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="contact.reassigned",
    )
