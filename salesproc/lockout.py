"""Lockout after repeated failed log-ins, per username and per client address.

Every way in counts against the same rows: the login form, the Django admin login and
the API token endpoint (all through `authenticate`, see salesproc.auth), and the
password-reset form (each request counts). A lock lasts while a key has its limit of
failures within the last LOGIN_LOCKOUT_MINUTES; an admin unlock deletes the rows.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone

from .models import LoginFailure

LOGIN = LoginFailure.Kind.LOGIN
PASSWORD_RESET = LoginFailure.Kind.PASSWORD_RESET


def _setting(name, default):
    return int(getattr(settings, name, default))


def window():
    return timedelta(minutes=_setting("LOGIN_LOCKOUT_MINUTES", 15))


def limits(kind):
    """(per username, per address) for a kind of attempt."""
    if kind == PASSWORD_RESET:
        return (
            _setting("PASSWORD_RESETS_PER_EMAIL", 3),
            _setting("PASSWORD_RESETS_PER_ADDRESS", 10),
        )
    return (_setting("LOGIN_FAILURES_PER_USERNAME", 5), _setting("LOGIN_FAILURES_PER_ADDRESS", 20))


def normalise(username):
    return (username or "").strip().lower()[:254]


@dataclass(frozen=True)
class Lock:
    scope: str  # "username" or "address"
    until: datetime

    @property
    def minutes(self):
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))

    @property
    def seconds(self):
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))


def _lock_for(kind, field, value, limit):
    if not value:
        return None
    since = timezone.now() - window()
    times = list(
        LoginFailure.objects.filter(kind=kind, created_at__gte=since, **{field: value})
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(times) < limit:
        return None
    # Lifts when the limit-th most recent failure leaves the window.
    return Lock(scope=field, until=times[limit - 1] + window())


def lock_for(*, kind=LOGIN, username="", address=""):
    """The lock that stops this attempt, or None."""
    per_username, per_address = limits(kind)
    return _lock_for(kind, "username", normalise(username), per_username) or _lock_for(
        kind, "address", address, per_address
    )


def lock_message(lock, *, kind=LOGIN):
    if kind == PASSWORD_RESET:
        return (
            "Too many password reset requests. Try again in "
            f"{lock.minutes} minute{'s' if lock.minutes != 1 else ''}, or ask an admin."
        )
    whom = "for this username" if lock.scope == "username" else "from your address"
    return (
        f"Too many failed log-ins {whom}. Try again in {lock.minutes} "
        f"minute{'s' if lock.minutes != 1 else ''}, or ask an admin to unlock it."
    )


def record_failure(*, kind=LOGIN, username="", address=""):
    LoginFailure.objects.create(kind=kind, username=normalise(username), address=address or "")


def forget_username(username):
    """A successful log-in: that username starts again from no failures."""
    LoginFailure.objects.filter(kind=LOGIN, username=normalise(username)).delete()


def current_locks():
    """What is locked now, for the admin's unlock page: [{scope, value, failures, until}]."""
    since = timezone.now() - window()
    result = []
    for kind in (LOGIN, PASSWORD_RESET):
        per_username, per_address = limits(kind)
        for field, limit in (("username", per_username), ("address", per_address)):
            rows = (
                LoginFailure.objects.filter(kind=kind, created_at__gte=since)
                .exclude(**{field: ""})
                .values(field)
                .annotate(failures=Count("id"), first=Min("created_at"), last=Max("created_at"))
                .filter(failures__gte=limit)
                .order_by(field)
            )
            for row in rows:
                lock = _lock_for(kind, field, row[field], limit)
                if lock is not None:
                    result.append(
                        {
                            "kind": LoginFailure.Kind(kind).label,
                            "scope": field,
                            "value": row[field],
                            "failures": row["failures"],
                            "until": lock.until,
                        }
                    )
    return result
