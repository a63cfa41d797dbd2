"""Reads of saved views: a list's tabs, its default, and the URL of a view."""

from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse

from .lists import COLUMNS_PARAM, LISTS, chosen_columns, clean_params, shown_columns
from .models import DefaultView
from .services import views_visible_to


def view_url(view) -> str:
    """The list with the view's filters and sort, and its columns when it chose some."""
    items = sorted(view.params.items())
    columns = chosen_columns(view.list_key, view.columns or [])
    if columns:
        items.append((COLUMNS_PARAM, columns))
    query = urlencode(items, doseq=True)
    base = reverse(LISTS[view.list_key].url_name)
    return f"{base}?{query}&view={view.pk}" if query else f"{base}?view={view.pk}"


def list_views(request, list_key):
    """The views of a list the user may see, each with `is_default`, in one query, kept
    on the request: the list view's default check and the tabs share it."""
    cache = request.__dict__.setdefault("_saved_views", {})
    if list_key not in cache:
        user = request.user
        defaults = DefaultView.objects.filter(user=user, list_key=list_key, view=OuterRef("pk"))
        cache[list_key] = list(
            views_visible_to(user, list_key)
            .select_related("owner")
            .annotate(is_default=Exists(defaults))
            .order_by("name", "id")
        )
    return cache[list_key]


def default_view_for(user, list_key):
    """The view the list opens with for this user, if it is still one they may see."""
    row = DefaultView.objects.filter(user=user, list_key=list_key).select_related("view").first()
    if row is None:
        return None
    return row.view if views_visible_to(user, list_key).filter(pk=row.view_id).exists() else None


def default_view_redirect(request, list_key):
    """Opening a list with no filters at all applies the person's default view: the
    redirect to it, or None. Each list view calls this first."""
    if request.method != "GET" or request.GET or getattr(request, "htmx", False):
        return None
    if not request.user.is_authenticated:
        return None
    view = next((v for v in list_views(request, list_key) if v.is_default), None)
    return HttpResponseRedirect(view_url(view)) if view is not None else None


def tabs_for(request, list_key) -> dict:
    """What the tabs above a list show: the views, which is current, the default."""
    user = request.user
    current = request.GET.get("view", "")
    tabs = [
        {
            "view": view,
            "url": view_url(view),
            "active": current == str(view.pk),
            "is_default": view.is_default,
            "mine": view.owner_id == user.pk,
        }
        for view in list_views(request, list_key)
    ]
    params = clean_params(request.GET)
    shown = shown_columns(list_key, request.GET.getlist(COLUMNS_PARAM))
    return {
        "columns": [
            {"key": c.key, "label": c.label, "shown": shown[c.key]}
            for c in LISTS[list_key].optional_columns
        ],
        "columns_chosen": bool(chosen_columns(list_key, request.GET.getlist(COLUMNS_PARAM))),
        "list_key": list_key,
        "list_url": reverse(LISTS[list_key].url_name),
        "tabs": tabs,
        "all_active": not any(t["active"] for t in tabs),
        "has_filters": bool(params),
        "may_share": user.is_manager or user.is_crm_admin,
        "current": next((t for t in tabs if t["active"]), None),
    }


def list_columns(request, list_key) -> dict[str, bool]:
    """{column key: shown} for the list as the request asks for it (table templates).

    A row re-rendered after an inline edit is an htmx request of its own: it follows the
    columns of the list it sits in, read from the page's address (HX-Current-URL)."""
    chosen = request.GET.getlist(COLUMNS_PARAM)
    current = request.headers.get("HX-Current-URL", "")
    if not chosen and current:
        from urllib.parse import parse_qs, urlsplit

        chosen = parse_qs(urlsplit(current).query).get(COLUMNS_PARAM, [])
    return shown_columns(list_key, chosen)
