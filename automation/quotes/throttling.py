"""The public quote link's rate limit, per client address (DRF's SimpleRateThrottle on
the cache, failing open through salesproc.throttling when the cache is down)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from salesproc.client import client_address
from salesproc.throttling import FailOpenThrottleMixin

DEFAULT_RATE = "30/min"


class QuoteLinkThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    scope = "quote_link"

    def get_rate(self):
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        return getattr(settings, "QUOTE_LINK_RATE", None) or rates.get(self.scope) or DEFAULT_RATE

    def get_cache_key(self, request, view):
        return f"throttle_quote_link_{client_address(request)}"


def allowed(request) -> tuple[bool, int]:
    """(allowed, seconds to wait) for a request to a public quote page."""
    throttle = QuoteLinkThrottle()
    if throttle.allow_request(request, None):
        return True, 0
    return False, int(throttle.wait() or 60)
