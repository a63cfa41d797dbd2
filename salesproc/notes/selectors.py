"""Reads of notes: a record's notes (pinned first), and the search hook."""

from django.db.models import Q

from salesproc.models import User
from salesproc.record_refs import attach_records, visible_records_q

from .models import Note

PANEL_LIMIT = 50


def notes_visible_to(user: User):
    """Notes on records the user may see (one query, a subquery per record type)."""
    if user is None or not user.is_authenticated:
        return Note.objects.none()
    return Note.objects.filter(visible_records_q(user))


def record_notes(*, record_type: str, record_id: int, limit=PANEL_LIMIT) -> dict:
    """A record's notes, pinned first then newest; the caller has checked the record."""
    qs = Note.objects.filter(record_type=record_type, record_id=record_id)
    notes = list(qs.select_related("author").order_by("-pinned", "-created_at", "-id")[:limit])
    count = len(notes) if len(notes) < limit else qs.count()
    return {"notes": notes, "count": count}


def notes_matching(*, user: User, query: str, limit: int = 20) -> list[dict]:
    """Notes the user may see whose text contains the query, newest first, for the
    global search: dicts {"type": "note", "id", "title", "subtitle", "url", "rank"}, the
    note's record named in the subtitle and linked. Two queries plus one per record type.
    """
    query = (query or "").strip()
    if not query:
        return []
    words = query.split()[:5]
    condition = Q()
    for word in words:
        condition &= Q(body__icontains=word)
    notes = list(
        notes_visible_to(user)
        .filter(condition)
        .select_related("author")
        .order_by("-pinned", "-created_at", "-id")[:limit]
    )
    attach_records(notes, user=user)
    results = []
    for rank, note in enumerate(notes):
        if note.record_url is None:
            continue
        results.append(
            {
                "type": "note",
                "id": note.pk,
                "title": note.body[:80],
                "subtitle": f"{note.record_label}: {note.record_title}",
                "url": f"{note.record_url}#note-{note.pk}",
                "rank": 1.0 - rank / max(len(notes), 1),
            }
        )
    return results
