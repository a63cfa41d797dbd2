"""When a subscription is due: the next local send time after a moment, in the
subscriber's time zone, and the period a send belongs to (its idempotency key)."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError

DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"
MAX_DAY_OF_MONTH = 28  # every month has it


def check_schedule(*, frequency, weekday, day_of_month):
    """The schedule's fields, checked; returns (weekday, day_of_month) as stored."""
    if frequency == WEEKLY:
        if weekday is None or not 0 <= int(weekday) <= 6:
            raise ValidationError({"weekday": "Choose the day of the week to send on."})
        return int(weekday), None
    if frequency == MONTHLY:
        if day_of_month is None or not 1 <= int(day_of_month) <= MAX_DAY_OF_MONTH:
            raise ValidationError(
                {"day_of_month": f"Choose a day of the month from 1 to {MAX_DAY_OF_MONTH}."}
            )
        return None, int(day_of_month)
    if frequency == DAILY:
        return None, None
    raise ValidationError({"frequency": "Choose daily, weekly or monthly."})


def _matches(day: date, *, frequency, weekday, day_of_month) -> bool:
    if frequency == WEEKLY:
        return day.weekday() == weekday
    if frequency == MONTHLY:
        return day.day == day_of_month
    return True


def next_send_at(
    *,
    frequency,
    send_time: time,
    weekday,
    day_of_month,
    zone,
    after: datetime,
    not_before: date | None = None,
) -> datetime:
    """The first local send time strictly after `after`, on or after `not_before` (a local
    date), as an aware datetime. A time that a clock change skips is sent at the same
    wall-clock time shifted by the change (zoneinfo's fold rules), never skipped."""
    day = after.astimezone(zone).date()
    if not_before is not None and not_before > day:
        day = not_before
    for _ in range(70):  # a monthly schedule matches within 31 days
        if _matches(day, frequency=frequency, weekday=weekday, day_of_month=day_of_month):
            candidate = datetime.combine(day, send_time, tzinfo=zone)
            if candidate > after:
                return candidate
        day += timedelta(days=1)
    raise ValueError("no send time found")  # unreachable with a checked schedule


def period_of(*, frequency, moment: datetime, zone) -> str:
    """The period a send at `moment` covers, in the subscriber's calendar."""
    local = moment.astimezone(zone).date()
    if frequency == WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == MONTHLY:
        return local.strftime("%Y-%m")
    return local.isoformat()
