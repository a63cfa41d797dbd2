"""Reads for accounts and contacts: list queries with search, filters and ordering."""

from django.db.models import Q

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


def accounts_with_domain(domain):
    return Account.objects.filter(domain__iexact=domain)


def contacts_with_email(email):
    return Contact.objects.filter(email__iexact=email)


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
