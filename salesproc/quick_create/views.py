"""Quick-create: the "+" dialog's menu, prefilled from the page it is opened on.

Each entry opens the app's own create page inside the dialog (htmx, `hx-select` picks the
page's heading and form), so the form, its validation and its service are the app's;
`QuickCreateMiddleware` turns the page's redirect after a save into a full navigation.
"""

from urllib.parse import urlencode, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

from salesproc.registry import quick_creates_for, record_types_for

TARGET = "quick-create-body"


def page_record(user, path):
    """The record whose page path is, if the user may see it: (RecordType, obj) or None."""
    try:
        match = resolve(urlsplit(path or "").path)
    except Resolver404:
        return None
    pk = match.kwargs.get("pk")
    if not isinstance(pk, int):
        return None
    for item in record_types_for(user):
        try:
            obj = item.visible(user).filter(pk=pk).first()
        except Http404:
            continue
        if obj is not None and item.url(obj) == urlsplit(path).path:
            return item, obj
    return None


def entries_for(user, path):
    found = page_record(user, path)
    record_type, obj = found if found else (None, None)
    entries = []
    for item in quick_creates_for(user):
        url = reverse(item.url_name)
        params = None
        if obj is not None and item.prefill is not None:
            params = item.prefill(record_type.type, obj)
        entries.append(
            {
                "type": item.type,
                "label": item.label,
                "url": f"{url}?{urlencode(params)}" if params else url,
                "context": record_type.title(obj) if params else "",
            }
        )
    return entries


@login_required
def quick_create(request):
    return render(
        request,
        "salesproc/quick_create/_menu.html",
        {"entries": entries_for(request.user, request.GET.get("from", ""))},
    )


class QuickCreateMiddleware:
    """A create page saved from inside the dialog answers a redirect to the new record;
    htmx would follow it and put the whole page in the dialog, so answer HX-Redirect and
    let the browser go there instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-Target") == TARGET
            and response.status_code in (301, 302, 303)
        ):
            redirect = HttpResponse(status=200)
            redirect["HX-Redirect"] = response["Location"]
            return redirect
        return response
