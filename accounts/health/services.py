"""Recomputing health: every registered signal once per batch (set-wise), then one upsert
of the scores and one of this week's snapshots per batch. A drop into "at risk" records
`account.health_at_risk`; its subscriber notifies (health/notifications.py)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from salesproc.events import record_event
from salesproc.models import User
from salesproc.registry import health_signals_for

from .models import AccountHealth, Band, HealthSettings, HealthSnapshot
from .scoring import band_for, clamp_points, combine

BATCH_SIZE = 500


def health_settings() -> HealthSettings:
    return HealthSettings.objects.order_by("pk").first() or HealthSettings()


def signal_weights(settings: HealthSettings) -> dict[str, int]:
    return {
        signal.key: int((settings.weights or {}).get(signal.key, signal.weight))
        for signal in health_signals_for()
    }


def health_figures(
    *, account_ids: list[int], today: date, settings: HealthSettings | None = None
) -> dict[int, dict]:
    """{account_id: {"score", "band", "signals"}}: one query per signal for the batch."""
    settings = settings or health_settings()
    weights = signal_weights(settings)
    signals = health_signals_for()
    values = {s.key: s.compute(account_ids=account_ids, today=today) for s in signals}
    result = {}
    for account_id in account_ids:
        rows = []
        for signal in signals:
            weight = weights[signal.key]
            value = values[signal.key].get(account_id)
            points, reason = signal.score(value, weight=weight)
            rows.append(
                {
                    "key": signal.key,
                    "label": signal.label,
                    "value": value,
                    "points": clamp_points(points, weight),
                    "reason": reason,
                }
            )
        score = combine(rows)
        band = band_for(score, healthy_from=settings.healthy_from, watch_from=settings.watch_from)
        result[account_id] = {"score": score, "band": band, "signals": rows}
    return result


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def health_recompute_batch(*, account_ids: list[int], today: date) -> int:
    """Store the health of these accounts and this week's snapshot (idempotent: a rerun
    writes the same figures and records no second drop)."""
    figures = health_figures(account_ids=account_ids, today=today)
    before = dict(
        AccountHealth.objects.filter(account_id__in=account_ids).values_list("account_id", "band")
    )
    now = timezone.now()
    AccountHealth.objects.bulk_create(
        [AccountHealth(account_id=pk, computed_at=now, **f) for pk, f in figures.items()],
        update_conflicts=True,
        unique_fields=["account"],
        update_fields=["score", "band", "signals", "computed_at"],
    )
    week = week_of(today)
    HealthSnapshot.objects.bulk_create(
        [
            HealthSnapshot(account_id=pk, week=week, score=f["score"], band=f["band"])
            for pk, f in figures.items()
        ],
        update_conflicts=True,
        unique_fields=["account", "week"],
        update_fields=["score", "band"],
    )
    dropped = [
        pk
        for pk, f in figures.items()
        if f["band"] == Band.AT_RISK and before.get(pk) not in (None, Band.AT_RISK)
    ]
    for account in Account.objects.filter(pk__in=dropped):
        figure = figures[account.pk]
        reasons = [s["reason"] for s in figure["signals"] if s["points"]]
        record_event(
            subject=account,
            name="account.health_at_risk",
            summary=f"Health dropped to {figure['score']} (at risk): " + "; ".join(reasons)[:200],
            data={"score": figure["score"], "previous_band": before[account.pk]},
        )
    return len(figures)


def health_recompute(*, today: date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Every managed account's health, in batches of `batch_size` (each its own transaction)."""
    today = today or timezone.localdate()
    ids = list(Account.objects.filter(is_managed=True).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        done += health_recompute_batch(account_ids=ids[start : start + batch_size], today=today)
    return done


@transaction.atomic
def health_settings_update(
    *, actor: User, healthy_from: int, watch_from: int, weights: dict[str, int]
) -> HealthSettings:
    """Admins only. Bands: 0 < watch_from < healthy_from <= 100; weights 0..100 for
    registered signals only."""
    if not actor.is_crm_admin:
        raise PermissionDenied("Only an admin changes the health settings.")
    errors = {}
    if not 0 < watch_from < healthy_from <= 100:
        errors["healthy_from"] = "Bands need 0 < watch from < healthy from ≤ 100."
    known = {s.key for s in health_signals_for()}
    unknown = sorted(set(weights) - known)
    if unknown:
        errors["weights"] = f"No such signal: {', '.join(unknown)}."
    elif any(not isinstance(w, int) or not 0 <= w <= 100 for w in weights.values()):
        errors["weights"] = "Each weight is a whole number from 0 to 100."
    if errors:
        raise ValidationError(errors)
    settings = HealthSettings.objects.select_for_update().order_by("pk").first() or HealthSettings()
    settings.healthy_from, settings.watch_from = healthy_from, watch_from
    settings.weights = {**(settings.weights or {}), **weights}
    settings.save()
    record_event(
        subject=settings,
        name="account_health.settings_changed",
        actor=actor,
        summary="Account health settings changed",
        data={"healthy_from": healthy_from, "watch_from": watch_from, "weights": settings.weights},
    )
    return settings
