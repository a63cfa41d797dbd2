"""What higher apps add to accounts: measures, health signals, handoff prefills."""

from collections.abc import Callable
from dataclasses import dataclass

from ._store import _replace, registry


@dataclass(frozen=True)
class AccountMeasure:
    """A figure a higher app adds to each row of an account list (My accounts, the team
    portfolio): revenue over the last 12 months, open pipeline, the last held call.

    annotate(queryset, *, today) returns the account queryset annotated with `key` (a
    subquery, so a whole page costs no extra query). kind: "money", "date" or "number".
    """

    key: str
    label: str
    annotate: Callable
    kind: str = "number"
    order: int = 100


@dataclass(frozen=True)
class ContactMeasure:
    """A figure a higher app adds to each contact of a list (the account plan's
    relationship map): the last engagement read from calls.

    annotate(queryset, *, today) returns the contact queryset annotated with `key` (a
    subquery, so the whole map costs no extra query). kind: "date" or "number".
    """

    key: str
    label: str
    annotate: Callable
    kind: str = "date"
    order: int = 100


@dataclass(frozen=True)
class HealthSignal:
    """One input of an account's health score, computed set-wise by the app that knows it.

    compute(*, account_ids, today) -> {account_id: value} in one query for the whole batch
    (an account missing from the result has no value, e.g. no call ever held).
    score(value, *, weight) -> (points, reason): points from -weight to 0, and the reason
    shown beside the score ("No held call for 74 days"). weight is the default an admin
    may change on the health settings page.
    """

    key: str
    label: str
    compute: Callable
    score: Callable
    weight: int = 10
    order: int = 100


@dataclass(frozen=True)
class HandoffPrefill:
    """What a higher app knows about a won deal that the handoff debrief starts from (the
    opportunity plan's stakeholders and their stance...).

    fill(*, deal_id) -> {debrief field: text}; fields already written are never replaced.
    """

    key: str
    fill: Callable
    order: int = 100


def register_account_measure(measure: AccountMeasure):
    _replace(registry.account_measures, measure, lambda m: m.key)


def account_measures_for():
    return sorted(registry.account_measures, key=lambda m: (m.order, m.key))


def register_contact_measure(measure: ContactMeasure):
    _replace(registry.contact_measures, measure, lambda m: m.key)


def contact_measures_for():
    return sorted(registry.contact_measures, key=lambda m: (m.order, m.key))


def register_health_signal(signal: HealthSignal):
    _replace(registry.health_signals, signal, lambda s: s.key)


def health_signals_for():
    return sorted(registry.health_signals, key=lambda s: (s.order, s.key))


def register_handoff_prefill(prefill: HandoffPrefill):
    _replace(registry.handoff_prefills, prefill, lambda p: p.key)


def handoff_prefills_for():
    return sorted(registry.handoff_prefills, key=lambda p: (p.order, p.key))
