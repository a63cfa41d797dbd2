from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from .registry import header_actions_for, nav_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = []
    best, best_length = None, -1
    for item in nav_for(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"label": item.label, "url_name": item.url_name, "url": url, "active": False}
        entry["shortcut"] = item.shortcut
        items.append(entry)
        # The current page is the item whose address (or section prefix) matches the
        # longest part of the path: /calls/review/ is "Review queue", not also "Calls".
        for candidate in (url, item.active_prefix):
            matches = path == url if candidate == "/" else path.startswith(candidate)
            if candidate and matches and len(candidate) > best_length:
                best, best_length = entry, len(candidate)
    # a page outside its section's addresses names the section itself (a call's review
    # page, /calls/12/review/, belongs to the review queue)
    section = getattr(request, "nav_section", "")
    if section:
        best = next((entry for entry in items if entry["url_name"] == section), best)
    if best is not None:
        best["active"] = True
    actions = []
    for action in header_actions_for(user):
        try:
            url = reverse(action.url_name)
        except NoReverseMatch:
            continue
        url += "?" + urlencode({"next": request.path})
        actions.append({"label": action.label, "url": url, "dialog": action.dialog})
    return {
        "nav_items": items,
        "header_actions": actions,
        "unread_notifications": user.unread_notification_count,
    }
