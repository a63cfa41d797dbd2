"""Reads for call patterns: the access function and a pattern laid out by week and day."""

from collections import defaultdict

from django.db.models import Count, Q, Sum

from salesproc.access import get_visible_or_404
from territories.models import CallPattern, PatternVisit

DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def get_call_pattern_for_user(user, pk, *, for_write=False) -> CallPattern:
    return get_visible_or_404(
        CallPattern.objects.select_related("rep"), user, pk, for_write=for_write
    )


def pattern_layout(pattern: CallPattern):
    """Weeks, each with its days and their visits (account, call, status), in 1 query,
    plus the tallies: held and cancelled calls update the visits' status (a subscriber),
    and a cancelled visit needs a visit again (`needs_visit`)."""
    visits = list(
        PatternVisit.objects.filter(pattern=pattern)
        .select_related("account", "call")
        .order_by("week", "day", "order")
    )
    weeks = []
    grouped = defaultdict(lambda: defaultdict(list))
    for visit in visits:
        grouped[visit.week][visit.day].append(visit)
    for number in range(1, pattern.weeks + 1):
        days = [
            {"name": DAY_NAMES[day - 1], "visits": grouped[number].get(day, [])}
            for day in range(1, pattern.working_days + 1)
        ]
        week_visits = [v for day in days for v in day["visits"]]
        weeks.append(
            {
                "number": number,
                "days": days,
                "visits": week_visits,
                "km": sum(v.distance_km for v in week_visits),
                "accepted": bool(week_visits)
                and all(
                    v.status in (PatternVisit.Status.PLANNED, PatternVisit.Status.HELD)
                    for v in week_visits
                ),
                "needs_visit": [
                    v for v in week_visits if v.status == PatternVisit.Status.CANCELLED
                ],
                "expected_return": sum(v.expected_return for v in week_visits),
            }
        )
    held, cancelled = PatternVisit.Status.HELD, PatternVisit.Status.CANCELLED
    tallies = PatternVisit.objects.filter(pattern=pattern).aggregate(
        accepted=Count("id", filter=Q(call__isnull=False)),
        held=Count("id", filter=Q(status=held)),
        cancelled=Count("id", filter=Q(status=cancelled)),
        held_return=Sum("expected_return", filter=Q(status=held)),
    )
    tallies["needs_visit"] = [v for v in visits if v.status == cancelled]
    return weeks, tallies


def uplift_percent(pattern: CallPattern):
    """How much more the proposed pattern returns than the rep's actual one (or None)."""
    if not pattern.current_expected_return:
        return None
    return round(
        100
        * (pattern.expected_return - pattern.current_expected_return)
        / pattern.current_expected_return
    )
