"""Domain events: written in the caller's transaction, handed to subscribers on commit.

Apps subscribe in their AppConfig.ready():

    events.subscribe("deal.stage_changed", "automation.run_workflows", handler)

A subscriber is called with the Event, inside a transaction that also records its
delivery, so each subscriber sees each event once even when dispatch runs twice.
"""

import contextvars
import fnmatch
import logging
from collections import defaultdict
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Event, EventDelivery, EventReference

log = logging.getLogger(__name__)

_subscribers = {}  # key -> (pattern, handler)

# How the actor is acting: "web", "api", "import", "intake" or "system". Set once where a
# request or job starts (middleware, token auth, the import and intake runs), so no
# service has to pass it along.
VIA_CHOICES = ("web", "api", "import", "intake", "system")
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


def subscribe(pattern, key, handler):
    """Register handler(event) for event names matching pattern (fnmatch, e.g. 'deal.*')."""
    _subscribers[key] = (pattern, handler)


def unsubscribe(key):
    _subscribers.pop(key, None)


def subscribers_for(name):
    return [
        (key, handler)
        for key, (pattern, handler) in sorted(_subscribers.items())
        if fnmatch.fnmatchcase(name, pattern)
    ]


def record_event(*, subject, name, actor=None, summary="", data=None, also=()):
    """Record that `name` happened to `subject`; dispatched once the transaction commits.

    `also` lists other records whose timeline should show this event.
    """
    event = Event.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        name=name,
        actor=actor if actor is not None and actor.is_authenticated else None,
        summary=summary[:300],
        data=data or {},
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
    return event


def record_events_bulk(*, subjects, name, actor=None, summary="", data=None):
    """One event per subject in a single INSERT (imports). Dispatched in one batch task."""
    subjects = [s for s in subjects if s.pk is not None]
    if not subjects:
        return []
    ct = ContentType.objects.get_for_model(subjects[0])
    actor = actor if actor is not None and actor.is_authenticated else None
    created = Event.objects.bulk_create(
        [
            Event(
                content_type=ct,
                object_id=s.pk,
                name=name,
                actor=actor,
                summary=summary[:300],
                data=data(s) if callable(data) else (data or {}),
            )
            for s in subjects
        ]
    )
    ids = [e.pk for e in created if e.pk is not None]
    if not ids:  # backends that don't return ids: the periodic sweep dispatches them
        return created
    transaction.on_commit(lambda: _enqueue_batch(ids))
    return created


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


def dispatch_event(event_id):
    """Hand one event to each subscriber that has not had it yet. Safe to run twice."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update()
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if event is None:
            return 0
        done = set(event.deliveries.values_list("subscriber", flat=True))
        delivered = 0
        failed = False
        for key, handler in subscribers_for(event.name):
            if key in done:
                continue
            try:
                with transaction.atomic():
                    handler(event)
                    EventDelivery.objects.create(event=event, subscriber=key)
                delivered += 1
            except Exception:
                failed = True
                log.exception("subscriber %s failed on event %s", key, event.pk)
        if not failed:
            event.dispatched_at = timezone.now()
            event.save(update_fields=["dispatched_at"])
        return delivered


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
