"""Accounts and contacts in the global search (salesproc.search)."""

from salesproc.registry import Picker, SearchSource, register_picker, register_search_source
from salesproc.search import TextIndex, search_records

from .models import Account, Contact

ACCOUNT_INDEX = TextIndex(
    "accounts_account",
    {"A": ["name"], "B": ["domain"], "C": ["city", "industry"]},
    "{t}name",
    ("name", "domain", "city"),
)
CONTACT_INDEX = TextIndex(
    "accounts_contact",
    {"A": ["first_name", "last_name"], "B": ["email"], "C": ["job_title"]},
    "{t}first_name || ' ' || {t}last_name",
    ("last_name", "first_name", "email"),
)


def _join(*parts):
    return " · ".join(p for p in parts if p)


def search_accounts(*, user, query, limit):
    return [
        {
            "type": "account",
            "id": account.pk,
            "title": account.name,
            "subtitle": _join(account.industry, account.city, account.country),
            "url": account.get_absolute_url(),
            "rank": account.search_rank,
        }
        for account in search_records(
            Account.objects.visible_to(user), query, index=ACCOUNT_INDEX, limit=limit
        )
    ]


def search_contacts(*, user, query, limit):
    contacts = search_records(
        Contact.objects.visible_to(user).select_related("account"),
        query,
        index=CONTACT_INDEX,
        limit=limit,
    )
    return [
        {
            "type": "contact",
            "id": contact.pk,
            "title": contact.full_name,
            "subtitle": _join(contact.job_title, contact.account.name if contact.account else ""),
            "url": contact.get_absolute_url(),
            "rank": contact.search_rank,
        }
        for contact in contacts
    ]


def _search(index):
    return lambda queryset, query, limit: search_records(queryset, query, index=index, limit=limit)


def register():
    register_search_source(SearchSource("account", "Accounts", search_accounts, order=10))
    register_search_source(SearchSource("contact", "Contacts", search_contacts, order=20))
    register_picker(
        Picker(
            "account",
            lambda user: Account.objects.visible_to(user).order_by("name", "id"),
            _search(ACCOUNT_INDEX),
            detail=lambda a: _join(a.city, a.country),
            account_field="id",
        )
    )
    register_picker(
        Picker(
            "contact",
            lambda user: (
                Contact.objects.visible_to(user)
                .select_related("account")
                .order_by("last_name", "first_name", "id")
            ),
            _search(CONTACT_INDEX),
            label=lambda c: c.full_name,
            detail=lambda c: _join(c.job_title, c.account.name if c.account_id else ""),
            account_field="account_id",
        )
    )
