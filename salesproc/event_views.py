"""Settings -> Event deliveries: what subscribers are retrying or have given up on."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import events
from .models import EventDelivery
from .view_support import admin_required


@login_required
@admin_required
def event_delivery_list(request):
    show = request.GET.get("show", "problems")
    deliveries = EventDelivery.objects.select_related("event", "event__content_type").order_by(
        "-created_at", "-id"
    )
    if show == "problems":
        deliveries = deliveries.exclude(status=EventDelivery.Status.DELIVERED).exclude(
            status=EventDelivery.Status.PENDING, attempts=0
        )
    elif show in EventDelivery.Status.values:
        deliveries = deliveries.filter(status=show)
    else:
        show = "all"
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    counts = {
        "failed": EventDelivery.objects.filter(status=EventDelivery.Status.FAILED).count(),
        "retrying": EventDelivery.objects.filter(
            status=EventDelivery.Status.PENDING, attempts__gt=0
        ).count(),
    }
    return render(
        request,
        "salesproc/event_deliveries.html",
        {
            "page": page,
            "show": show,
            "counts": counts,
            "statuses": EventDelivery.Status.choices,
            "max_attempts": events.MAX_ATTEMPTS,
        },
    )


@login_required
@admin_required
@require_POST
def event_delivery_retry(request, pk):
    delivery = get_object_or_404(EventDelivery, pk=pk)
    if events.event_delivery_retry(actor=request.user, delivery=delivery):
        messages.success(
            request, f"{delivery.subscriber} will get event #{delivery.event_id} again."
        )
    else:
        messages.info(request, "That delivery is not given up on: nothing to retry.")
    return redirect("event_deliveries")


@login_required
@admin_required
def event_catalogue(request):
    """Settings -> Events: every event the product records, with an example of its data."""
    from .registry import event_types, record_type

    items = [
        {
            "name": item.name,
            "description": item.description,
            "record": record_type(item.record).label if record_type(item.record) else "",
            "example": json.dumps(item.example, sort_keys=True),
        }
        for item in event_types()
    ]
    return render(request, "salesproc/event_catalogue.html", {"items": items})
