"""The search results page and the header's dropdown (htmx)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .engine import MIN_QUERY, clean_query, search_all

DROPDOWN_PER_TYPE = 5
PAGE_PER_TYPE = 20


@login_required
def search_page(request):
    query = clean_query(request.GET.get("q"))
    groups = search_all(user=request.user, query=query, limit=PAGE_PER_TYPE)
    return render(
        request,
        "salesproc/search/results.html",
        {
            "query": query,
            "groups": groups,
            "too_short": 0 < len(query) < MIN_QUERY,
            "per_type": PAGE_PER_TYPE,
        },
    )


@login_required
def search_dropdown(request):
    query = clean_query(request.GET.get("q"))
    groups = search_all(user=request.user, query=query, limit=DROPDOWN_PER_TYPE)
    return render(
        request,
        "salesproc/search/_dropdown.html",
        {"query": query, "groups": groups, "too_short": len(query) < MIN_QUERY},
    )
