"""The rep's private calendar feed: its settings page and the feed itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from calls import ical, selectors, services
from salesproc.models import User
from salesproc.todo.selectors import calendar_items
from salesproc.view_support import process_required


@login_required
@process_required("calls")
def calendar_settings(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(actor=request.user)
            messages.success(request, "Calendar feed turned off: the old address no longer works.")
        else:
            services.calendar_token_regenerate(actor=request.user)
            messages.success(
                request, "New private address ready. Any old address has stopped working."
            )
        return redirect("calls:calendar")
    feed_url = (
        request.build_absolute_uri(
            reverse("calls:calendar_feed", args=[request.user.calendar_token])
        )
        if request.user.calendar_token
        else ""
    )
    return render(request, "calls/calendar.html", {"feed_url": feed_url})


def calendar_feed(request, token):
    """The private iCalendar feed: no login, the unguessable token is the key."""
    if not token or len(token) < 20:
        raise Http404("No such calendar.")
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or not user.runs("calls"):
        raise Http404("No such calendar.")
    body = ical.calendar_for(
        user=user,
        calls=selectors.calendar_calls(user=user),
        link=lambda call: request.build_absolute_uri(call.get_absolute_url()),
        items=calendar_items(
            user=user, link=lambda task: request.build_absolute_uri(task.get_absolute_url())
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calls.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
