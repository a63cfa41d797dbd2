"""Domain events: written in the caller's transaction, handed to subscribers on commit.

Apps subscribe in their AppConfig.ready():

    events.subscribe("deal.stage_changed", "automation.run_workflows", handler)

Delivery (DESIGN.md, the outbox): each subscriber claims its own EventDelivery row (a
conditional insert, then a pending -> running UPDATE), runs outside any transaction and
without a lock on the event, and records the outcome: delivered, or failed with the error,
the attempt count and when to try again (exponential backoff, given up after
MAX_ATTEMPTS with a logged error, listed on Settings -> Event deliveries). The event's
`dispatched_at` is set once every subscriber is delivered or given up. Each subscriber
sees each event once even when it is dispatched twice or concurrently.

A subscriber that only writes to the database (notifications) is `atomic` (the default):
its writes commit in one short transaction together with its "delivered" mark, so a crash
can't deliver it twice. A subscriber that calls out (a webhook) passes atomic=False: no
transaction is open while it runs; it may run again only if the process dies between the
call and the mark (at-least-once), never because of a second dispatch.
"""

import contextvars
import fnmatch
import logging
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import VIA_CHOICES as _VIA_FIELD_CHOICES
from .models import Event, EventDelivery, EventReference

log = logging.getLogger(__name__)

_subscribers = {}  # key -> (pattern, handler, atomic)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min ... capped
BACKOFF_MAX = timedelta(hours=1)
# A claim not finished after this long belongs to a dead worker and may be taken again.
CLAIM_TIMEOUT = timedelta(minutes=10)

# Keys whose values never go into an event's data (a changed token, a password...).
SENSITIVE_KEY_PARTS = ("password", "token", "secret")
MASK = "••••••"

# How the actor is acting: "web", "api", "import", "intake" or "system". Set once where a
# request or job starts (middleware, token auth, the import and intake runs), so no
# service has to pass it along.
VIA_CHOICES = tuple(value for value, _label in _VIA_FIELD_CHOICES)
_acting_via = contextvars.ContextVar("salesproc_acting_via", default="system")


@contextmanager
def acting_via(channel):
    """Events recorded inside this block say they came through `channel`."""
    if channel not in VIA_CHOICES:
        raise ValueError(f"unknown channel {channel!r}")
    token = _acting_via.set(channel)
    try:
        yield
    finally:
        _acting_via.reset(token)


def current_via():
    return _acting_via.get()


# How many workflow rule runs led to the events recorded now: 0 for what a person or a
# job did, 1 for an event a rule's action caused, 2 for one caused by a rule reacting to
# that... Stored on each Event (chain_depth), so automation can stop a loop.
_chain_depth = contextvars.ContextVar("salesproc_chain_depth", default=0)


@contextmanager
def caused_by_rule(depth):
    """Events recorded inside this block were caused by a rule reacting to an event of
    chain depth `depth - 1`."""
    token = _chain_depth.set(depth)
    try:
        yield
    finally:
        _chain_depth.reset(token)


def current_chain_depth():
    return _chain_depth.get()


class UnregisteredEvent(Exception):
    """A service recorded an event name that is not in the event catalogue."""


def check_registered(name):
    """Every event name must be registered (salesproc.registry.register_event_types).

    With settings.EVENT_CATALOGUE_STRICT (the test suite, DEBUG) an unknown name raises,
    so a test that runs the service fails; otherwise it is logged and recorded anyway
    (a production server never loses an event over its description).
    """
    from django.conf import settings

    from .registry import event_type

    if event_type(name) is not None:
        return
    if getattr(settings, "EVENT_CATALOGUE_STRICT", False):
        raise UnregisteredEvent(
            f"The event {name!r} is not registered: add an EventType for it to the "
            "event_types.py of the app that records it."
        )
    log.warning("event %r is not in the event catalogue", name)


def set_via(channel):
    """Mark the rest of the current request as coming through `channel` (token auth).

    The request's ActingViaMiddleware restores the previous value when the request ends.
    """
    if channel not in VIA_CHOICES:
        raise ValueError(f"unknown channel {channel!r}")
    _acting_via.set(channel)


class ActingViaMiddleware:
    """Events recorded while serving a request came through the web pages, or the API for
    paths under /api/ (token authentication says "api" too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        with acting_via(channel):
            return self.get_response(request)


def mask_sensitive(value):
    """`value` with the values of password/token/secret keys masked, at any depth."""
    if isinstance(value, dict):
        return {
            key: MASK
            if isinstance(key, str) and any(part in key.lower() for part in SENSITIVE_KEY_PARTS)
            else mask_sensitive(item)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_sensitive(item) for item in value]
    return value


def subscribe(pattern, key, handler, *, atomic=True, wants=None, ignore_via=()):
    """Register handler(event) for event names matching pattern (fnmatch, e.g. 'deal.*').

    atomic=False for a handler that calls out over the network: it then runs with no
    database transaction open. wants(name) -> bool, for a subscriber whose interest is
    data (workflow rules' triggers): asked when an event is dispatched, so an event no
    one wants gets no delivery row for it. ignore_via: the ways in ("import", "intake")
    whose events this subscriber never acts on; they get no delivery row for it either,
    so an import's 100,000 events are closed in a few UPDATEs, not claimed one by one.
    """
    _subscribers[key] = (pattern, handler, atomic, wants, frozenset(ignore_via))


def unsubscribe(key):
    _subscribers.pop(key, None)


def subscribers_for(name, via=""):
    """(key, handler) of every subscriber that takes an event `name` that came `via`."""
    return [
        (key, handler)
        for key, (pattern, handler, _atomic, wants, ignored) in sorted(_subscribers.items())
        if fnmatch.fnmatchcase(name, pattern)
        and via not in ignored
        and (wants is None or wants(name))
    ]


def _is_atomic(key):
    entry = _subscribers.get(key)
    return entry[2] if entry else True


def record_event(*, subject, name, actor=None, summary="", data=None, also=()):
    """Record that `name` happened to `subject`; dispatched once the transaction commits.

    `also` lists other records whose timeline should show this event.
    """
    check_registered(name)
    event = Event.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        name=name,
        actor=actor if actor is not None and actor.is_authenticated else None,
        via=current_via(),
        chain_depth=current_chain_depth(),
        summary=summary[:300],
        data=mask_sensitive(data or {}),
    )
    references = []
    seen = set()
    for other in also:
        if other is None or other.pk is None:
            continue
        ct = ContentType.objects.get_for_model(other)
        if (ct.pk, other.pk) in seen or (ct.pk == event.content_type_id and other.pk == subject.pk):
            continue
        seen.add((ct.pk, other.pk))
        references.append(EventReference(event=event, content_type=ct, object_id=other.pk))
    if references:
        EventReference.objects.bulk_create(references)
    transaction.on_commit(lambda: _enqueue(event.pk))
    _drop_kept_widgets(name)
    return event


def record_events_bulk(*, subjects, name, actor=None, summary="", data=None):
    """One event per subject in a single INSERT (imports). Dispatched in one batch task."""
    subjects = [s for s in subjects if s.pk is not None]
    if not subjects:
        return []
    check_registered(name)
    ct = ContentType.objects.get_for_model(subjects[0])
    actor = actor if actor is not None and actor.is_authenticated else None
    via = current_via()
    depth = current_chain_depth()
    created = Event.objects.bulk_create(
        [
            Event(
                content_type=ct,
                object_id=s.pk,
                name=name,
                actor=actor,
                via=via,
                chain_depth=depth,
                summary=summary[:300],
                data=mask_sensitive(data(s) if callable(data) else (data or {})),
            )
            for s in subjects
        ]
    )
    _drop_kept_widgets(name)
    ids = [e.pk for e in created if e.pk is not None]
    if not ids:  # backends that don't return ids: the periodic sweep dispatches them
        return created
    transaction.on_commit(lambda: _enqueue_batch(ids))
    return created


def _drop_kept_widgets(name):
    """Home widgets kept per user that show what `name` changes are dropped on commit."""
    from . import home_cache

    if home_cache.watches(name):
        transaction.on_commit(home_cache.invalidate)


def _enqueue_batch(event_ids):
    from .tasks import dispatch_event_batch_task

    try:
        dispatch_event_batch_task.delay(event_ids)
    except Exception:
        log.warning("could not enqueue %d events; the sweep will retry", len(event_ids))


def _enqueue(event_id):
    from .tasks import dispatch_event_task

    try:
        dispatch_event_task.delay(event_id)
    except Exception:  # broker down: the periodic sweep picks it up later
        log.warning("could not enqueue event %s; the sweep will retry", event_id, exc_info=True)


def backoff(attempts):
    """How long to wait before attempt `attempts + 1`: 30 s, 1 min, 2 min ... at most 1 h."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def dispatch_event(event_id, *, subscribers=None):
    """Hand one event to each subscriber that has not had it yet. Safe to run twice, and
    concurrently: returns how many subscribers this call delivered it to.

    Call it outside any transaction (it runs on commit and from tasks): each claim and
    each outcome then commits on its own, and no lock is held while a handler runs.
    `subscribers`: subscribers_for(its name, its via), when the caller (a batch) has them.
    """
    event = Event.objects.filter(pk=event_id, dispatched_at__isnull=True).first()
    if event is None:
        return 0
    if subscribers is None:
        subscribers = subscribers_for(event.name, event.via)
    if subscribers:
        # The conditional insert: one row per (event, subscriber), whoever gets there first.
        EventDelivery.objects.bulk_create(
            [EventDelivery(event=event, subscriber=key) for key, _handler in subscribers],
            ignore_conflicts=True,
        )
    delivered = 0
    for key, handler in subscribers:
        attempt = _claim(event, key)
        if attempt is None:
            continue  # delivered, given up, waiting for its retry, or running elsewhere
        if _run(event, key, handler, attempt):
            delivered += 1
    _close_if_done(event, [key for key, _handler in subscribers])
    return delivered


def _claim(event, key):
    """Take the subscriber's delivery (pending and due, or a dead worker's): the attempt
    number, or None when someone else has it or it is not due."""
    now = timezone.now()
    due = Q(status=EventDelivery.Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    stale = Q(status=EventDelivery.Status.RUNNING, claimed_at__lt=now - CLAIM_TIMEOUT)
    claimed = (
        EventDelivery.objects.filter(event=event, subscriber=key)
        .filter(due | stale)
        .update(status=EventDelivery.Status.RUNNING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return (
        EventDelivery.objects.filter(event=event, subscriber=key)
        .values_list("attempts", flat=True)
        .get()
    )


def _mine(event, key, attempt):
    """The delivery row, as long as this dispatcher's claim is still the current one."""
    return EventDelivery.objects.filter(
        event=event, subscriber=key, status=EventDelivery.Status.RUNNING, attempts=attempt
    )


class _ClaimLost(Exception):
    pass


def _run(event, key, handler, attempt):
    try:
        if _is_atomic(key):
            # Database-only handler: its writes and the mark commit together, or neither.
            with transaction.atomic():
                handler(event)
                if not _mine(event, key, attempt).update(
                    status=EventDelivery.Status.DELIVERED,
                    delivered_at=timezone.now(),
                    last_error="",
                    next_attempt_at=None,
                ):
                    raise _ClaimLost()
        else:
            handler(event)  # no transaction is open here: it may call out
            _mine(event, key, attempt).update(
                status=EventDelivery.Status.DELIVERED,
                delivered_at=timezone.now(),
                last_error="",
                next_attempt_at=None,
            )
        return True
    except _ClaimLost:
        log.warning("subscriber %s on event %s: claim taken over, not marking", key, event.pk)
        return False
    except Exception as exc:
        _record_failure(event, key, attempt, exc)
        return False


def _record_failure(event, key, attempt, exc):
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    now = timezone.now()
    if attempt >= MAX_ATTEMPTS:
        _mine(event, key, attempt).update(
            status=EventDelivery.Status.FAILED, failed_at=now, last_error=error
        )
        log.error(
            "subscriber %s gave up on event %s (%s) after %d attempts: %s",
            key,
            event.pk,
            event.name,
            attempt,
            error,
            exc_info=exc,
        )
        return
    retry_at = now + backoff(attempt)
    _mine(event, key, attempt).update(
        status=EventDelivery.Status.PENDING, next_attempt_at=retry_at, last_error=error
    )
    log.warning(
        "subscriber %s failed on event %s (attempt %d of %d, retry at %s): %s",
        key,
        event.pk,
        attempt,
        MAX_ATTEMPTS,
        retry_at.isoformat(),
        error,
        exc_info=exc,
    )


def _close_if_done(event, keys):
    """Set dispatched_at once every current subscriber is delivered or given up."""
    finished = EventDelivery.objects.filter(
        event=event,
        subscriber__in=keys,
        status__in=[EventDelivery.Status.DELIVERED, EventDelivery.Status.FAILED],
    ).count()
    if finished == len(keys):
        Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )


def timeline_for(obj, *, user, limit=50):
    """Events of a record, newest first: its own and those that reference it.

    Events about other records (a deal on its account's timeline, a call on a lead's) are
    kept only when `user` may see that record, so a timeline never reveals a hidden one.
    `user` is required: no caller can forget it.
    """
    ct = ContentType.objects.get_for_model(obj)
    referenced = EventReference.objects.filter(content_type=ct, object_id=obj.pk).values("event_id")
    events = list(
        Event.objects.filter(Q(content_type=ct, object_id=obj.pk) | Q(pk__in=referenced))
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")[:limit]
    )
    others = defaultdict(set)
    for event in events:
        if (event.content_type_id, event.object_id) != (ct.pk, obj.pk):
            others[event.content_type_id].add(event.object_id)
    hidden = set()
    for content_type_id, ids in others.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        queryset = model._default_manager.all() if model is not None else None
        if queryset is None or not hasattr(queryset, "visible_to"):
            continue
        visible = set(queryset.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        hidden |= {(content_type_id, pk) for pk in ids - visible}
    return [e for e in events if (e.content_type_id, e.object_id) not in hidden]


def event_delivery_retry(*, actor, delivery):
    """An admin gives a subscriber that was given up on another go (after a fix)."""
    if delivery.status != EventDelivery.Status.FAILED:
        return False
    with transaction.atomic():
        updated = EventDelivery.objects.filter(
            pk=delivery.pk, status=EventDelivery.Status.FAILED
        ).update(status=EventDelivery.Status.PENDING, attempts=0, next_attempt_at=None)
        if not updated:
            return False
        Event.objects.filter(pk=delivery.event_id).update(dispatched_at=None)
        log.info(
            "%s retries subscriber %s on event %s", actor, delivery.subscriber, delivery.event_id
        )
        transaction.on_commit(lambda: _enqueue(delivery.event_id))
    return True
