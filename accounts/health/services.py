"""Recomputing health: every registered signal once per batch, then one write per batch."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from salesproc.registry import health_signals_for

from .models import AccountHealth
from .scoring import band_for, clamp_points, combine

BATCH_SIZE = 500


def health_figures(*, account_ids: list[int], today: date) -> dict[int, dict]:
    """{account_id: {"score", "band", "signals"}}: one query per signal for the batch."""
    values = {
        signal.key: signal.compute(account_ids=account_ids, today=today)
        for signal in health_signals_for()
    }
    result = {}
    for account_id in account_ids:
        signals = []
        for signal in health_signals_for():
            value = values[signal.key].get(account_id)
            points, reason = signal.score(value, weight=signal.weight)
            signals.append(
                {
                    "key": signal.key,
                    "label": signal.label,
                    "value": value,
                    "points": clamp_points(points, signal.weight),
                    "reason": reason,
                }
            )
        score = combine(signals)
        result[account_id] = {"score": score, "band": band_for(score), "signals": signals}
    return result


@transaction.atomic
def health_recompute_batch(*, account_ids: list[int], today: date) -> int:
    """Store the health of these accounts (idempotent: a rerun writes the same figures)."""
    figures = health_figures(account_ids=account_ids, today=today)
    now = timezone.now()
    rows = [
        AccountHealth(account_id=pk, computed_at=now, **figure) for pk, figure in figures.items()
    ]
    AccountHealth.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["account"],
        update_fields=["score", "band", "signals", "computed_at"],
    )
    return len(rows)


def health_recompute(*, today: date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Every managed account's health, in batches of `batch_size` (each its own transaction)."""
    today = today or timezone.localdate()
    ids = list(Account.objects.filter(is_managed=True).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        done += health_recompute_batch(account_ids=ids[start : start + batch_size], today=today)
    return done
