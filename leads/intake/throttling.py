"""The public intake endpoint's rate limit: the one intake throttle class.

It only says what to count (per form key) and at what rate; how the count is kept is
DRF's SimpleRateThrottle (the cache), failing open through salesproc.throttling.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from salesproc.throttling import FailOpenThrottleMixin

DEFAULT_INTAKE_RATE = "30/min"


class IntakeKeyThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Per form key, in the cache: a website can't flood the CRM (settings: 'intake' rate).

    With the cache (Redis) down it lets the post through with a logged warning, so the
    submission is stored rather than lost."""

    scope = "intake"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_INTAKE_RATE

    def get_cache_key(self, request, view):
        return f"throttle_intake_{view.kwargs.get('key', '')[:64]}"
