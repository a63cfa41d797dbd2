"""`/pickers/<key>/?q=`: a picker's options for the signed-in user (htmx partial)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import render

from salesproc.registry import picker_for

from .widgets import RESULTS, picker_queryset


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def picker_options(request, key):
    picker = picker_for(key)
    if picker is None:
        raise Http404("No such picker.")
    params = request.GET
    query = " ".join(params.get("q", "").split())[:100]
    account, first = _int(params.get("account")), _int(params.get("first"))
    queryset = picker_queryset(key, request.user, account=account)
    if len(query) >= 2:  # one letter lists the first ones, as an empty box does
        results = list(picker.search(queryset, query, RESULTS))
        if first and picker.account_field:
            results.sort(key=lambda obj: getattr(obj, picker.account_field) != first)
    else:
        if first and picker.account_field:
            queryset = queryset.annotate(
                _first=Case(
                    When(**{picker.account_field: first}, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            ).order_by("_first", *queryset.query.order_by or queryset.model._meta.ordering)
        results = list(queryset[:RESULTS])
    options = [
        {
            "id": obj.pk,
            "label": picker.label(obj),
            "detail": picker.detail(obj) if picker.detail else "",
            "first": bool(first and picker.account_field)
            and getattr(obj, picker.account_field) == first,
        }
        for obj in results
    ]
    return render(
        request,
        "salesproc/pickers/_options.html",
        {
            "options": options,
            "query": query if len(query) >= 2 else "",
            "name": params.get("name", "picker"),
            "more": len(options) == RESULTS,
        },
    )
