"""Demo report subscriptions: a rep's weekly pipeline, a manager's team forecast and
coaching, an account manager's monthly key accounts. Idempotent."""

from datetime import time

from django.utils import timezone

from salesproc.models import User
from salesproc.registry import report

from . import services
from .models import ReportSubscription

DEMO = [
    # username, report, scope, frequency, weekday, day of month, time, time zone
    ("rep1", "deals.pipeline", "mine", "weekly", 0, None, time(7, 30), "Europe/Berlin"),
    ("rep1", "deals.stalled", "mine", "daily", None, None, time(8, 0), "Europe/Berlin"),
    ("manager1", "deals.forecast", "team", "weekly", 4, None, time(16, 0), "Europe/London"),
    ("manager1", "calls.coaching", "team", "monthly", None, 1, time(9, 0), "Europe/London"),
    ("rep3", "accounts.my_accounts", "mine", "monthly", None, 1, time(8, 30), "America/New_York"),
]


def seed(*, stdout=None):
    people = {u.username: u for u in User.objects.filter(username__in=[d[0] for d in DEMO])}
    made = 0
    for username, key, scope, frequency, weekday, day, at, zone in DEMO:
        user = people.get(username)
        if user is None or report(key) is None:
            continue
        if not user.time_zone:
            user.time_zone = zone
            user.save(update_fields=["time_zone"])
        if ReportSubscription.objects.filter(owner=user, report_key=key).exists():
            continue
        if services.report_for_user(user=user, key=key) is None:
            continue
        services.subscription_create(
            actor=user,
            report_key=key,
            scope=scope,
            frequency=frequency,
            send_time=at,
            weekday=weekday,
            day_of_month=day,
            now=timezone.now(),
        )
        made += 1
    if stdout is not None:
        stdout.write(f"  report subscriptions: {made} new")
