"""The public intake endpoint's rate limit: the one intake throttle class.

It only says what to count (per form key) and at what rate; how the count is kept is
DRF's SimpleRateThrottle (the cache). A fail-open wrapper in salesproc (Redis down:
let the post through with a logged warning, so the submission is stored) can wrap or
replace the base class here without touching the view.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_INTAKE_RATE = "30/min"


class IntakeKeyThrottle(SimpleRateThrottle):
    """Per form key, in the cache: a website can't flood the CRM (settings: 'intake' rate)."""

    scope = "intake"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_INTAKE_RATE

    def get_cache_key(self, request, view):
        return f"throttle_intake_{view.kwargs.get('key', '')[:64]}"
