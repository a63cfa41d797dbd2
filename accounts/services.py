"""Writes for accounts and contacts. Every change leaves an event on the record."""

from django.core.exceptions import ValidationError
from django.db import transaction

from salesproc.events import record_event, record_events_bulk
from salesproc.handover import reassign_owned
from salesproc.models import User
from salesproc.services import apply_changes, check_owner
from salesproc.softdelete import describe_counts, move_to_bin, protecting_records

from .models import Account, Contact, normalise_domain
from .selectors import matching_accounts, matching_contacts

# What a user edits on an account and a contact, in the order forms show it. The form,
# the serializer and the services all read these lists.
ACCOUNT_FIELDS = [
    "name",
    "website",
    "domain",
    "industry",
    "status",
    "employee_count",
    "annual_revenue",
    "country",
    "region",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "owner",
    "account_manager",
]
CONTACT_FIELDS = [
    "first_name",
    "last_name",
    "job_title",
    "email",
    "phone",
    "is_decision_maker",
    "account",
    "owner",
]


def _check_duplicates(*, field, record, value, visible, hidden, action):
    """Warn about a duplicate the actor may see by name; about one they may not see only
    that it exists. Either way the actor may confirm: the other record may be stale, and
    the warning is there to make them talk to its owner, not to stop their work."""
    article = "An" if record[0] in "aeiou" else "A"
    if visible:
        names = ", ".join(f"“{match}”" for match in visible)
        raise _duplicate(
            field,
            f"{article} {record} with the {field} {value} already exists ({names}). "
            f"Confirm to {action} anyway.",
            links=[(str(match), match.get_absolute_url()) for match in visible],
        )
    if hidden:
        raise _duplicate(
            field,
            f"{article} {record} with the {field} {value} already exists in another team "
            f"(or with another rep); ask its owner or your manager. Confirm to {action} anyway.",
        )


def _duplicate(field, message, links=()):
    """A duplicate warning: the form offers to confirm, the API to send allow_duplicate.
    links: (name, url) of the matches the actor may see, for the form to link to."""
    return ValidationError(
        {field: ValidationError(message, code="duplicate", params={"links": list(links)})}
    )


def _check_account_manager(*, actor, account_manager):
    """The account manager is someone the actor may give accounts to, as for the owner."""
    if account_manager is None:
        return
    try:
        check_owner(actor=actor, owner=account_manager, records="accounts")
    except ValidationError:
        raise ValidationError(
            {"account_manager": "You can only make yourself or your team the account manager."}
        )


@transaction.atomic
def account_create(*, actor: User, data: dict, allow_duplicate: bool = False) -> Account:
    data = dict(data)
    data.setdefault("owner", actor)
    check_owner(actor=actor, owner=data["owner"])
    _check_account_manager(actor=actor, account_manager=data.get("account_manager"))
    data["domain"] = normalise_domain(data.get("domain") or data.get("website"))
    if not allow_duplicate and data["domain"]:
        visible, hidden = matching_accounts(user=actor, domain=data["domain"])
        _check_duplicates(
            field="domain",
            record="account",
            value=data["domain"],
            visible=visible,
            hidden=hidden,
            action="create a duplicate",
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
    if "account_manager" in data and data["account_manager"] != account.account_manager:
        _check_account_manager(actor=actor, account_manager=data["account_manager"])
    if "domain" in data or "website" in data:
        data["domain"] = normalise_domain(
            data.get("domain") or data.get("website", account.website)
        )
        if not allow_duplicate and data["domain"] and data["domain"] != account.domain:
            visible, hidden = matching_accounts(
                user=actor, domain=data["domain"], exclude_pk=account.pk
            )
            _check_duplicates(
                field="domain",
                record="account",
                value=data["domain"],
                visible=visible,
                hidden=hidden,
                action="keep a duplicate",
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


def account_delete_blockers(*, account: Account) -> str:
    """Why the account cannot go to the bin yet ('This account is still used by 3 deals:
    ...'), or '' when it can.

    Counted generically (the records whose link to it is protected), so accounts need
    not know the apps above it."""
    counts = protecting_records(account)
    if not counts:
        return ""
    them = "it" if sum(counts.values()) == 1 else "them"
    return (
        f"This account is still used by {describe_counts(counts)}: move {them} to another "
        f"account or delete {them} first."
    )


@transaction.atomic
def account_delete(*, actor: User, account: Account) -> None:
    """Move the account to the recycle bin. Refused while live deals (or other protected
    records) use it; its contacts and calls keep their link while it is in the bin."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    blockers = account_delete_blockers(account=account)
    if blockers:
        raise ValidationError({"account": blockers})
    record_event(
        subject=account,
        name="account.deleted",
        actor=actor,
        summary=f"Account {account.name} moved to the recycle bin",
        data={"name": account.name},
    )
    move_to_bin(account, actor=actor)


@transaction.atomic
def contact_create(*, actor: User, data: dict, allow_duplicate: bool = False) -> Contact:
    data = dict(data)
    data.setdefault("owner", actor)
    check_owner(actor=actor, owner=data["owner"])
    data["email"] = (data.get("email") or "").strip().lower()
    if not allow_duplicate and data["email"]:
        visible, hidden = matching_contacts(user=actor, email=data["email"])
        _check_duplicates(
            field="email",
            record="contact",
            value=data["email"],
            visible=visible,
            hidden=hidden,
            action="create a duplicate",
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
        if not allow_duplicate and data["email"] and data["email"] != contact.email:
            visible, hidden = matching_contacts(
                user=actor, email=data["email"], exclude_pk=contact.pk
            )
            _check_duplicates(
                field="email",
                record="contact",
                value=data["email"],
                visible=visible,
                hidden=hidden,
                action="keep a duplicate",
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
        summary=f"Contact {contact.full_name} moved to the recycle bin",
        data={"name": contact.full_name},
        also=[contact.account],
    )
    move_to_bin(contact, actor=actor)


# -- handing a person's records to someone else (salesproc.handover) -------------------


def account_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    """Every account from_user owns goes to to_user (accounts have no closed state)."""
    return reassign_owned(
        Account.objects.all(),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="account.reassigned",
    )


def contact_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    return reassign_owned(
        Contact.objects.all(),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="contact.reassigned",
    )


@transaction.atomic
def account_owners_set(*, owners: dict[int, int], actor: User | None, reason: str) -> int:
    """Give each account (id -> new owner's id) its new owner, set-wise: one UPDATE per new
    owner and one `account.reassigned` event per account that actually changed hands.

    For automated paths (a territory's rep becoming the owner); the caller has decided who
    may own what. Accounts already owned by their new owner are left alone.
    """
    by_owner = {}
    for account_id, owner_id in owners.items():
        by_owner.setdefault(owner_id, []).append(account_id)
    changed = 0
    for owner_id, account_ids in by_owner.items():
        moving = list(
            Account.objects.filter(pk__in=account_ids)
            .exclude(owner_id=owner_id)
            .select_for_update(of=("self",))
            .only("pk", "owner_id")
        )
        if not moving:
            continue
        before = {account.pk: account.owner_id for account in moving}
        Account.objects.filter(pk__in=list(before)).update(owner_id=owner_id)
        record_events_bulk(
            subjects=moving,
            name="account.reassigned",
            actor=actor,
            summary=reason,
            data=lambda account, owner_id=owner_id, before=before: {
                "from_owner": before[account.pk],
                "to_owner": owner_id,
            },
        )
        changed += len(moving)
    return changed
