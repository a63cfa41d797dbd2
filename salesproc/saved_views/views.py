"""Save the list as it is as a view, make a view the default, delete one (POSTs from
the tabs above each list)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import selectors, services
from .lists import COLUMNS_PARAM, LISTS, chosen_columns, clean_params


class SaveViewForm(forms.Form):
    list_key = forms.ChoiceField(choices=[(k, k) for k in LISTS])
    name = forms.CharField(max_length=60)
    shared = forms.BooleanField(required=False)
    make_default = forms.BooleanField(required=False)


def _referring_query(request, list_key):
    """The list's query string from the page the form was sent from (without JavaScript
    the form has no copy of it): only when that page is the list itself, on this site."""
    from urllib.parse import urlsplit

    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc and referer.netloc != request.get_host():
        return ""
    return referer.query if referer.path == reverse(LISTS[list_key].url_name) else ""


def _list_url(list_key, query=""):
    base = reverse(LISTS[list_key].url_name)
    return f"{base}?{query}" if query else base


@login_required
@require_POST
def saved_view_save(request):
    form = SaveViewForm(request.POST)
    list_key = request.POST.get("list_key", "")
    if list_key not in LISTS:
        raise Http404("No such list.")
    query = (request.POST.get("query", "") or _referring_query(request, list_key))[:4000]
    if not form.is_valid():
        messages.error(request, "Give the view a name (up to 60 characters) to save it.")
        return redirect(_list_url(list_key, query))
    params = clean_params(QueryDict(query))
    try:
        view = services.saved_view_create(
            actor=request.user,
            list_key=list_key,
            name=form.cleaned_data["name"],
            params=params,
            columns=chosen_columns(list_key, QueryDict(query).getlist(COLUMNS_PARAM)),
            shared=form.cleaned_data["shared"],
            make_default=form.cleaned_data["make_default"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_list_url(list_key, query))
    messages.success(
        request,
        f"View “{view.name}” saved" + (" and shared with your team." if view.team_id else "."),
    )
    return redirect(selectors.view_url(view))


@login_required
@require_POST
def saved_view_default(request, pk):
    view = services.get_view_for_user(request.user, pk)
    if request.POST.get("default") == "0":
        services.default_view_set(actor=request.user, list_key=view.list_key, view=None)
        messages.success(request, f"{LISTS[view.list_key].label} opens with no view now.")
    else:
        services.default_view_set(actor=request.user, list_key=view.list_key, view=view)
        messages.success(request, f"{LISTS[view.list_key].label} opens with “{view.name}” now.")
    return redirect(selectors.view_url(view))


@login_required
@require_POST
def saved_view_delete(request, pk):
    view = services.get_view_for_user(request.user, pk)
    list_key = view.list_key
    try:
        services.saved_view_delete(actor=request.user, view=view)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(selectors.view_url(view))
    messages.success(request, f"View “{view.name}” deleted.")
    return redirect(_list_url(list_key, "view=all"))


@login_required
@require_POST
def saved_view_columns(request, pk):
    """Keep the columns the list shows now (the Columns menu's choice) in the view."""
    view = services.get_view_for_user(request.user, pk)
    columns = chosen_columns(view.list_key, request.POST.getlist(COLUMNS_PARAM))
    try:
        view = services.saved_view_update(actor=request.user, view=view, data={"columns": columns})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"View “{view.name}” now opens with these columns.")
    return redirect(selectors.view_url(view))
