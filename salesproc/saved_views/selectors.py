"""Reads of saved views: a list's tabs, its default, and the URL of a view."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from .lists import LISTS, clean_params
from .models import DefaultView
from .services import views_visible_to


def view_url(view) -> str:
    query = urlencode(sorted(view.params.items()), doseq=True)
    base = reverse(LISTS[view.list_key].url_name)
    return f"{base}?{query}&view={view.pk}" if query else f"{base}?view={view.pk}"


def default_view_for(user, list_key):
    row = DefaultView.objects.filter(user=user, list_key=list_key).select_related("view").first()
    if row is None:
        return None
    # the view may have stopped being visible (unshared, team changed)
    return row.view if views_visible_to(user, list_key).filter(pk=row.view_id).exists() else None


def default_view_redirect(request, list_key):
    """Opening a list with no filters at all applies the person's default view: the
    redirect to it, or None. Each list view calls this first."""
    if request.method != "GET" or request.GET or getattr(request, "htmx", False):
        return None
    if not request.user.is_authenticated:
        return None
    view = default_view_for(request.user, list_key)
    return HttpResponseRedirect(view_url(view)) if view is not None else None


def tabs_for(request, list_key) -> dict:
    """What the tabs above a list show: the views, which is current, the default."""
    user = request.user
    views = list(views_visible_to(user, list_key).select_related("owner").order_by("name", "id"))
    default_id = (
        DefaultView.objects.filter(user=user, list_key=list_key)
        .values_list("view_id", flat=True)
        .first()
    )
    current = request.GET.get("view", "")
    tabs = [
        {
            "view": view,
            "url": view_url(view),
            "active": current == str(view.pk),
            "is_default": view.pk == default_id,
            "mine": view.owner_id == user.pk,
        }
        for view in views
    ]
    params = clean_params(request.GET)
    return {
        "list_key": list_key,
        "list_url": reverse(LISTS[list_key].url_name),
        "tabs": tabs,
        "all_active": not any(t["active"] for t in tabs),
        "query": urlencode(sorted(params.items()), doseq=True),
        "has_filters": bool(params),
        "may_share": user.is_manager or user.is_crm_admin,
        "current": next((t for t in tabs if t["active"]), None),
        "default_id": default_id,
    }
