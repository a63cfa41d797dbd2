"""The pure arithmetic of a health score: no queries, so tests can check it by hand."""

from .models import Band

HEALTHY_FROM = 70
WATCH_FROM = 40


def band_for(score: int, *, healthy_from: int = HEALTHY_FROM, watch_from: int = WATCH_FROM) -> str:
    if score >= healthy_from:
        return Band.HEALTHY
    if score >= watch_from:
        return Band.WATCH
    return Band.AT_RISK


def combine(signals: list[dict]) -> int:
    """100 plus every signal's points (each from -weight to 0), kept within 0..100."""
    return max(0, min(100, 100 + sum(int(s["points"]) for s in signals)))


def clamp_points(points: float, weight: int) -> int:
    return -min(weight, max(0, round(-points)))
