"""One bare Django view: the deals list's 25 rows and count as JSON, no DRF, no
serializer, no permission classes. What the deals API is compared with."""

from django.http import Http404, JsonResponse
from django.urls import path

from salesproc.models import User, visible_owner_ids

from .specs import LISTS

DEALS = next(spec for spec in LISTS if spec.key == "deals")


def deals(request):
    user = User.objects.filter(pk=request.GET.get("user") or 0).first()
    if user is None:
        raise Http404
    qs = DEALS.visible(None if user.is_crm_admin else sorted(visible_owner_ids(user)))
    rows = list(
        qs.order_by(*DEALS.ordering).values("id", "name", "amount", "expected_close_date")[:25]
    )
    return JsonResponse({"count": qs.count(), "results": rows})


def healthz(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("deals/", deals), path("healthz", healthz)]
