"""Calendar periods of the deal app: the one place months and weeks are parsed.

A month is written "YYYY-MM" and stands for its first day; a week is Monday-based and,
inside a month plan, clipped to the month. The deal list's close-month filter, the
report filters and API fields, the quota grid and the snapshots all read periods here.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone


def this_month(today: date | None = None) -> date:
    """The first day of the current month (in the CRM's time zone)."""
    return (today or timezone.localdate()).replace(day=1)


def parse_month(value, *, field="month") -> date:
    """'2025-06' -> date(2025, 6, 1). Anything else is a ValidationError on `field`."""
    if isinstance(value, date):
        return value.replace(day=1)
    text = (value or "").strip()
    try:
        year_text, month_text = text.split("-")
        if len(year_text) != 4 or len(month_text) != 2:
            raise ValueError
        year, month = int(year_text), int(month_text)
        if not 2000 <= year <= 2100:
            raise ValueError
        return date(year, month, 1)
    except ValueError:
        raise ValidationError(
            {field: f"Give a month as YYYY-MM, for example 2025-06 (not “{text[:20]}”)."}
        )


def parse_date(value, *, field) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: "Give a date as YYYY-MM-DD, for example 2025-06-30."})


def month_end(month_start: date) -> date:
    return month_start.replace(day=calendar.monthrange(month_start.year, month_start.month)[1])


def add_months(month_start: date, months: int) -> date:
    index = month_start.year * 12 + month_start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the CRM's time zone (closed_at is a datetime)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def month_label(month_start: date) -> str:
    return month_start.strftime("%B %Y")


@dataclass(frozen=True)
class Week:
    """A Monday-based week of a month, clipped to the month."""

    index: int
    start: date
    end: date

    @property
    def monday(self) -> date:
        """The week's Monday: the day its pipeline snapshot is taken (may be last month)."""
        return monday_of(self.start)

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start.day} {self.start:%b}"
        return f"{self.start.day}–{self.end.day} {self.end:%b}"


def weeks_of_month(month_start: date) -> list[Week]:
    weeks, start, last = [], month_start, month_end(month_start)
    while start <= last:
        end = min(start + timedelta(days=6 - start.weekday()), last)
        weeks.append(Week(index=len(weeks) + 1, start=start, end=end))
        start = end + timedelta(days=1)
    return weeks


def month_or_none(value) -> date | None:
    """Like parse_month, for a lenient filter: anything that is not a month is None."""
    if value in (None, ""):
        return None
    try:
        return parse_month(value)
    except ValidationError:
        pass
    try:  # the deal list has always taken "2026-1" as well
        year, month = (int(part) for part in str(value).split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def month_range(value) -> tuple[date, date] | None:
    """'2026-11' -> (date(2026, 11, 1), date(2026, 11, 30)); None for anything else."""
    start = month_or_none(value)
    return (start, month_end(start)) if start else None


def week_of(weeks: list[Week], day: date) -> Week | None:
    """The week of `weeks` that `day` falls in, if any."""
    for week in weeks:
        if week.start <= day <= week.end:
            return week
    return None
