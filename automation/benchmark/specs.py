"""What the scale benchmark requests: every list API (first page, a deep page, a search,
another ordering), every report API and the main pages, and the targets they answer to."""

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Account, Contact
from calls.models import Call
from deals.models import Deal
from leads.models import Lead

LIST_TARGET_MS = 150
REPORT_TARGET_MS = 200
FLOOR_RATIO = 3
SEARCH_TERM = "mira"


@dataclass(frozen=True)
class ListSpec:
    key: str
    path: str
    model: type
    ordering: tuple  # the API's default, with the id tie-break
    other_ordering: str  # a non-default ?ordering=
    search: tuple  # the API's search fields
    also_owner: str = ""  # a second owner-like column visible_to accepts

    def visible(self, owner_ids):
        """The floor's visibility: the owner among the people the user may see."""
        qs = self.model.objects.all()
        if owner_ids is None:
            return qs
        condition = Q(owner_id__in=owner_ids)
        if self.also_owner:
            condition |= Q(**{f"{self.also_owner}__in": owner_ids})
        return qs.filter(condition)

    def searched(self, qs, term):
        condition = Q()
        for name in self.search:
            condition |= Q(**{f"{name}__icontains": term})
        return qs.filter(condition)


LISTS = [
    ListSpec(
        "accounts",
        "/api/v1/accounts/",
        Account,
        ("name", "id"),
        "-created_at",
        ("name", "domain", "city"),
        also_owner="account_manager_id",
    ),
    ListSpec(
        "contacts",
        "/api/v1/contacts/",
        Contact,
        ("last_name", "first_name", "id"),
        "-created_at",
        ("first_name", "last_name", "email", "account__name"),
    ),
    ListSpec(
        "deals",
        "/api/v1/deals/",
        Deal,
        ("expected_close_date", "id"),
        "-amount",
        ("name", "account__name"),
    ),
    ListSpec(
        "leads",
        "/api/v1/leads/",
        Lead,
        ("-score", "-created_at", "id"),
        "company_name",
        ("first_name", "last_name", "email", "company_name"),
    ),
    ListSpec(
        "calls",
        "/api/v1/calls/",
        Call,
        ("-scheduled_at", "id"),
        "created_at",
        ("purpose", "contact__last_name", "account__name", "deal__name"),
    ),
]

REPORTS = [
    "/api/v1/reports/pipeline/",
    "/api/v1/reports/forecast/",
    "/api/v1/reports/month-plan/",
    "/api/v1/reports/sales-metrics/",
    "/api/v1/reports/stalled-deals/",
    "/api/v1/reports/what-works/",
    "/api/v1/reports/territory-balance/",
]

# (path, personas that may open it, is a report/dashboard)
PAGES = [
    ("/", ("rep", "manager", "admin"), True),
    ("/accounts/companies/", ("rep", "manager", "admin"), False),
    ("/accounts/contacts/", ("rep", "manager", "admin"), False),
    ("/deals/", ("rep", "manager", "admin"), False),
    ("/deals/board/", ("rep", "manager", "admin"), True),
    ("/deals/dashboard/", ("rep", "manager", "admin"), True),
    ("/deals/forecast/", ("rep", "manager", "admin"), True),
    ("/leads/", ("rep", "manager", "admin"), False),
    ("/calls/all/", ("rep", "manager", "admin"), False),
    ("/calls/reviews/", ("manager", "admin"), False),
    ("/calls/coaching/", ("manager", "admin"), True),
]
