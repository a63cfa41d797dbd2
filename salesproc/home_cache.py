"""Home widgets kept a short while per user, dropped when the figures they show change.

A widget registered with `cache_seconds` (salesproc.registry.Widget) has its context kept
in the cache under (generation, user, widget). It names the events that change its
figures (`invalidated_by`); when one is recorded, the generation is bumped once the
transaction commits (salesproc.events asks `watches`), dropping every kept context:
coarse, but never shows a figure older than the last change recorded as an event, and
at most `cache_seconds` old otherwise (a change through no event). No subscriber and no
delivery row: an import's 100,000 events cost one bump per batch. The cache is Redis in
production and the local memory cache embedded; a cache that is down only costs the
computation (the widget is computed as without a cache).
"""

import fnmatch
import logging

from django.core.cache import cache

log = logging.getLogger(__name__)

GENERATION_KEY = "home-widgets:generation"
_MISSING = object()


def generation():
    try:
        return cache.get(GENERATION_KEY, 0)
    except Exception:  # the cache is down: compute every widget
        log.warning("cache unavailable for the home widgets", exc_info=True)
        return None


def _key(widget, user, gen):
    return f"home-widgets:{gen}:{user.pk}:{widget.key}"


def widget_context(widget, request, gen):
    if not widget.cache_seconds or gen is None:
        return widget.context(request)
    key = _key(widget, request.user, gen)
    try:
        kept = cache.get(key, _MISSING)
    except Exception:
        kept = _MISSING
    if kept is not _MISSING:
        return kept
    context = widget.context(request)
    try:
        cache.set(key, context, widget.cache_seconds)
    except Exception:
        log.warning("could not keep the %s widget", widget.key, exc_info=True)
    return context


def invalidate():
    """Drop every kept widget context (an event changed what they show)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.add(GENERATION_KEY, 1, None)
    except Exception:
        log.warning("could not drop the kept home widgets", exc_info=True)


_watched = {}  # event name -> whether a kept widget shows what it changes


def watches(name):
    """Does recording an event `name` change what a kept widget shows?"""
    if name not in _watched:
        from .registry import registry

        _watched[name] = any(
            fnmatch.fnmatchcase(name, pattern)
            for widget in registry.widgets
            if widget.cache_seconds
            for pattern in widget.invalidated_by
        )
    return _watched[name]
