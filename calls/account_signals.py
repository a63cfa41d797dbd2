"""What calls tells account management: the last held call, as a figure on My accounts
and as a health signal (days since the last held call against the expected cadence), and
how many of the account's contacts we spoke with lately."""

from datetime import date, timedelta

from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import TruncDate

from salesproc.registry import (
    AccountMeasure,
    ContactMeasure,
    HealthSignal,
    register_account_measure,
    register_contact_measure,
    register_health_signal,
)

from .models import Call

EXPECTED_CADENCE_DAYS = 30  # a key account hears from us at least monthly
FULL_PENALTY_AFTER_DAYS = 90
ENGAGED_WINDOW_DAYS = 90
ENGAGED_ENOUGH = 2  # two people or more: the relationship hangs on more than one thread


def _held_calls():
    return Call.objects.filter(result=Call.Result.HELD, completed_at__isnull=False)


def annotate_last_contact(queryset, *, today: date):
    last = (
        _held_calls()
        .filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(last=Max("completed_at"))
        .values("last")
    )
    return queryset.annotate(last_contact=Subquery(last))


def annotate_last_engagement(queryset, *, today: date):
    """Contacts annotated with `last_engagement`: when their last held call ended."""
    last = (
        _held_calls()
        .filter(contact=OuterRef("pk"))
        .order_by()
        .values("contact")
        .annotate(last=Max("completed_at"))
        .values("last")
    )
    return queryset.annotate(last_engagement=Subquery(last))


def days_since_last_held_call(*, account_ids: list[int], today: date) -> dict[int, int]:
    """{account_id: days since its last held call}, one query for the batch."""
    rows = (
        _held_calls()
        .filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(last=Max(TruncDate("completed_at")))
    )
    return {row["account_id"]: (today - row["last"]).days for row in rows}


def score_days_since_last_held_call(value, *, weight: int):
    if value is None:
        return -weight, "No held call on record"
    if value <= EXPECTED_CADENCE_DAYS:
        return 0, f"Last held call {value} days ago"
    overdue = min(value, FULL_PENALTY_AFTER_DAYS) - EXPECTED_CADENCE_DAYS
    span = FULL_PENALTY_AFTER_DAYS - EXPECTED_CADENCE_DAYS
    return -weight * overdue / span, f"No held call for {value} days"


def contacts_engaged(*, account_ids: list[int], today: date) -> dict[int, int]:
    """{account_id: its contacts with a held call in the last 90 days}, one query."""
    since = today - timedelta(days=ENGAGED_WINDOW_DAYS)
    rows = (
        _held_calls()
        .filter(
            contact__account_id__in=account_ids,
            contact__deleted_at__isnull=True,
            completed_at__date__gt=since,
        )
        .values("contact__account_id")
        .annotate(n=Count("contact", distinct=True))
    )
    return {row["contact__account_id"]: row["n"] for row in rows}


def score_contacts_engaged(value, *, weight: int):
    if not value:
        return -weight, f"No contact engaged in the last {ENGAGED_WINDOW_DAYS} days"
    people = "contact" if value == 1 else "contacts"
    reason = f"{value} {people} engaged in the last {ENGAGED_WINDOW_DAYS} days"
    return -weight * max(0, ENGAGED_ENOUGH - value) / ENGAGED_ENOUGH, reason


def register():
    register_contact_measure(
        ContactMeasure(
            "last_engagement", "Last engagement", annotate_last_engagement, kind="date", order=10
        )
    )
    register_account_measure(
        AccountMeasure("last_contact", "Last contact", annotate_last_contact, kind="date", order=30)
    )
    register_health_signal(
        HealthSignal(
            "calls.last_held_call",
            "Days since the last held call",
            days_since_last_held_call,
            score_days_since_last_held_call,
            weight=25,
            order=30,
        )
    )
    register_health_signal(
        HealthSignal(
            "calls.contacts_engaged",
            "Contacts engaged in the last 90 days",
            contacts_engaged,
            score_contacts_engaged,
            weight=10,
            order=40,
        )
    )
