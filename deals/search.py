"""Deals in the global search (salesproc.search)."""

from salesproc import processes
from salesproc.registry import Picker, SearchSource, register_picker, register_search_source
from salesproc.search import TextIndex, search_records

from .models import Deal

DEAL_INDEX = TextIndex("deals_deal", {"A": ["name"]}, "{t}name", ("name",))


def search_deals(*, user, query, limit):
    deals = search_records(
        Deal.objects.visible_to(user).select_related("account", "stage"),
        query,
        index=DEAL_INDEX,
        limit=limit,
    )
    return [
        {
            "type": "deal",
            "id": deal.pk,
            "title": deal.name,
            "subtitle": f"{deal.account.name} · {deal.stage.name}",
            "url": deal.get_absolute_url(),
            "rank": deal.search_rank,
        }
        for deal in deals
    ]


def register():
    register_search_source(
        SearchSource("deal", "Deals", search_deals, process=processes.DEALS, order=40)
    )
    register_picker(
        Picker(
            "deal.open",
            lambda user: (
                Deal.objects.visible_to(user)
                .filter(status=Deal.Status.OPEN)
                .select_related("account", "stage")
                .order_by("name", "id")
            ),
            lambda queryset, query, limit: search_records(
                queryset, query, index=DEAL_INDEX, limit=limit
            ),
            detail=lambda deal: f"{deal.account.name} · {deal.stage.name}",
            account_field="account_id",
        )
    )
