from .registry import nav_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = []
    for item in nav_for(user):
        prefix = item.active_prefix
        items.append(
            {
                "label": item.label,
                "url_name": item.url_name,
                "active": path.startswith(prefix)
                if prefix
                else item.url_name == "home" and path == "/",
            }
        )
    return {
        "nav_items": items,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
