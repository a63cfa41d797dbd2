"""Reads for accounts and contacts: the access functions, list queries with search,
filters and ordering, and duplicate matching."""

from django.db.models import Q

from salesproc.access import get_visible_or_404

from .models import Account, Contact

ACCOUNT_ORDERINGS = {
    "name": "name",
    "-name": "-name",
    "revenue": "annual_revenue",
    "-revenue": "-annual_revenue",
    "employees": "employee_count",
    "-employees": "-employee_count",
    "created": "created_at",
    "-created": "-created_at",
    "country": "country",
    "-country": "-country",
}
CONTACT_ORDERINGS = {
    "name": "last_name",
    "-name": "-last_name",
    "account": "account__name",
    "-account": "-account__name",
    "created": "created_at",
    "-created": "-created_at",
}


def get_account_for_user(user, pk, *, for_write=False) -> Account:
    """The account if `user` may see it (and so change it), else Http404. for_write locks
    the row (inside a transaction) and loads it without the list annotations."""
    queryset = (
        Account.objects.all()
        if for_write
        else Account.objects.with_list_data().select_related("owner", "account_manager")
    )
    return get_visible_or_404(queryset, user, pk, for_write=for_write)


def get_contact_for_user(user, pk, *, for_write=False) -> Contact:
    """The contact if `user` may see it (and so change it), else Http404."""
    queryset = Contact.objects.all() if for_write else Contact.objects.with_list_data()
    return get_visible_or_404(queryset, user, pk, for_write=for_write)


def _matches(queryset, *, user, exclude_pk=None):
    """(the matches `user` may see, whether a match exists that they may not see).

    A hidden match is never named: only that it exists. A missing user is the system
    (imports, intake), which sees everything."""
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    if user is None:
        return list(queryset[:3]), False
    visible = queryset.visible_to(user)
    return list(visible[:3]), queryset.exclude(pk__in=visible.values("pk")).exists()


def matching_accounts(*, user, domain, exclude_pk=None):
    return _matches(Account.objects.filter(domain__iexact=domain), user=user, exclude_pk=exclude_pk)


def matching_contacts(*, user, email, exclude_pk=None):
    return _matches(Contact.objects.filter(email__iexact=email), user=user, exclude_pk=exclude_pk)


def account_list(
    *, user, search="", status="", industry="", owner=None, country="", ordering="name"
):
    qs = Account.objects.visible_to(user).with_list_data()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(domain__icontains=search) | Q(city__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if industry:
        qs = qs.filter(industry=industry)
    if owner:
        qs = qs.filter(owner_id=owner)
    if country:
        qs = qs.filter(country=country)
    order = ACCOUNT_ORDERINGS.get(ordering, "name")
    return qs.order_by(order, "id")


def contact_list(
    *, user, search="", account=None, owner=None, decision_maker=None, ordering="name"
):
    qs = Contact.objects.visible_to(user).with_list_data()
    if search:
        qs = qs.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(account__name__icontains=search)
        )
    if account:
        qs = qs.filter(account_id=account)
    if owner:
        qs = qs.filter(owner_id=owner)
    if decision_maker is not None:
        qs = qs.filter(is_decision_maker=decision_maker)
    order = CONTACT_ORDERINGS.get(ordering, "last_name")
    return qs.order_by(order, "first_name", "id")


def account_filter_options(*, user):
    """Industries and countries present in the user's accounts, in one query."""
    pairs = (
        Account.objects.visible_to(user).order_by().values_list("industry", "country").distinct()
    )
    industries, countries = set(), set()
    for industry, country in pairs:
        if industry:
            industries.add(industry)
        if country:
            countries.add(country)
    return {"industries": sorted(industries), "countries": sorted(countries)}
