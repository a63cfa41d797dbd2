"""Throttles that keep the product up when the cache (Redis) is down.

DRF throttles read and write the cache on every request; with Redis down they raise and
the endpoint answers 500. A throttle is a guard against floods, not a reason to refuse
service: when the cache can't be reached the request is let through and a warning is
logged (README: "Redis being down delays work but loses nothing").

    class LoginThrottle(FailOpenThrottleMixin, AnonRateThrottle): ...
"""

import logging

log = logging.getLogger(__name__)

try:  # the Redis cache backend raises redis-py's errors, which are not OSErrors
    from redis.exceptions import RedisError as _RedisError
except ImportError:  # pragma: no cover - redis-py is in requirements.txt
    _RedisError = OSError

# What an unreachable cache raises. Anything else is a bug and must not be swallowed.
CACHE_ERRORS = (OSError, _RedisError)


class FailOpenThrottleMixin:
    """Put first in the bases of a DRF throttle: a cache error lets the request through."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            log.warning(
                "throttle %s could not read the cache (%s: %s); letting the request through",
                type(self).__name__,
                exc.__class__.__name__,
                exc,
            )
            self.history = []  # wait() must not use a half-read history
            return True
