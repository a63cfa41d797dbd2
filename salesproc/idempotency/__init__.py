"""Idempotency keys on the API: a POST that sends `Idempotency-Key` runs once.

The first response to a key (its status and body) is kept 24 hours per user and key and
replayed, with `Idempotent-Replayed: true`, for a retry with the same request (method,
path and body). The same key with another request answers 422. While the first request
is still running, a second one with its key answers 409 with `Retry-After: 1` (it does
not wait: a client retries, and then gets the replay). 5xx and 429 answers are not kept,
so a retry after them runs again. The mechanism is `IdempotencyMiddleware` (every POST
under /api/, function views and viewsets alike); it identifies the caller with DRF's
own authenticators, the ones the view then uses.
"""
