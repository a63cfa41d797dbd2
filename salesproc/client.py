"""The client's address, read the one way every caller (lockout, throttles) reads it."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXIES reverse proxies the Nth X-Forwarded-For
    entry from the right: each trusted proxy appends the address it saw, so what a client
    sends itself sits further left and is never read. A request with fewer entries than
    proxies did not come through them all: its own REMOTE_ADDR is used."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies][:64]
