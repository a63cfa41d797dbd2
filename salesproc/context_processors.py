from django.urls import NoReverseMatch, reverse

from .registry import nav_for


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
    if best is not None:
        best["active"] = True
    return {
        "nav_items": items,
        "unread_notifications": user.unread_notification_count,
    }
