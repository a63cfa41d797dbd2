"""Quote numbers: Q-<year>-0001, sequential per year, without gaps under concurrency.

The year's counter row is created if missing (an insert that ignores a conflict, so two
first quotes of a year don't collide), then locked with SELECT ... FOR UPDATE inside the
caller's transaction: a second writer waits until the first commits or rolls back, so
a number is used exactly when its quote row is committed.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from automation.quotes.models import QuoteCounter


def next_quote_number(*, year=None) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_quote_number must run inside the quote's transaction")
    year = year or timezone.localdate().year
    QuoteCounter.objects.bulk_create([QuoteCounter(year=year, last=0)], ignore_conflicts=True)
    counter = QuoteCounter.objects.select_for_update().get(year=year)
    QuoteCounter.objects.filter(year=year).update(last=F("last") + 1)
    return f"Q-{year}-{counter.last + 1:04d}"
