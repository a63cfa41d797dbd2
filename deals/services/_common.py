"""What every deal write shares: money parsing, the row lock with its version check, and
the events a deal or a configuration change records."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from deals.models import Deal
from salesproc.errors import StaleVersion
from salesproc.events import record_event

FORECAST_CATEGORIES = {value for value, _ in Deal.ForecastCategory.choices}


def money(value, field, *, allow_negative=False):
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: "Enter a number."})
    if not amount.is_finite():
        raise ValidationError({field: "Enter a number."})
    if amount < 0 and not allow_negative:
        raise ValidationError({field: "This cannot be negative."})
    return amount


def locked_deal(deal, version=None):
    """The deal's row, locked for this transaction; refuses a write from an older version."""
    current = Deal.objects.select_for_update(of=("self",)).get(pk=deal.pk)
    if version is not None and int(version) > current.version:
        # no one can have edited from a version the deal never had: a bad request
        raise ValidationError(
            {
                "version": "This edit was sent for a version of the deal that does not "
                "exist. Nothing was saved: reload the deal and make your edits again."
            }
        )
    if version is not None and int(version) != current.version:
        raise StaleVersion(
            "Someone else changed this deal while you were working on it. Nothing was "
            "saved: reload it to see their changes, then make yours again.",
            current_version=current.version,
        )
    return current


def deal_event(deal, name, actor, summary, data):
    record_event(
        subject=deal,
        name=name,
        actor=actor,
        summary=summary,
        data=data,
        also=[deal.account, deal.primary_contact],
    )


def normalise(text):
    return " ".join(str(text).split()).casefold()


def check_open(deal, action):
    if not deal.is_open:
        raise ValidationError(
            {
                "status": f"The deal is already {deal.get_status_display().lower()}: reopen it to {action}."
            }
        )


def config_event(subject, name, actor, summary, data=None):
    record_event(subject=subject, name=name, actor=actor, summary=summary, data=data or {})


def save_config_changes(obj, changes, *, actor, name, label):
    """Validate and save the changed fields of a configuration record, and log them."""
    obj.full_clean()
    obj.save(update_fields=list(changes))
    config_event(
        obj, name, actor, f"{label}: changed " + ", ".join(sorted(changes)), {"changes": changes}
    )


def clean_name(value, field="name", what="It"):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"{what} needs a name."})
    return value
