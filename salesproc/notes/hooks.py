"""Notes on every record page (a panel) and their events in the catalogue."""

from salesproc.registry import (
    EventType,
    Panel,
    SearchSource,
    record_type_of,
    register_event_types,
    register_panel,
    register_search_source,
)

from . import selectors


def notes_panel(request, obj):
    kind = record_type_of(obj)
    if kind is None:
        return None
    from .views import NoteForm

    return {
        **selectors.record_notes(record_type=kind.type, record_id=obj.pk),
        "record_type": kind.type,
        "record_id": obj.pk,
        "form": NoteForm(),
    }


def _search(*, user, query, limit):
    return selectors.notes_matching(user=user, query=query, limit=limit)


def register():
    # notes are found by the global search, each linked to the record it is on
    register_search_source(SearchSource("note", "Notes", _search, order=90))
    register_panel(
        Panel("*", "notes.notes", "salesproc/notes/_notes_panel.html", notes_panel, order=70)
    )
    example = {"note": 41, "pinned": False, "mentioned": ["rosa"]}
    register_event_types(
        EventType(
            "note.added", "A note was written on the record (mentions notified).", "", example
        ),
        EventType(
            "note.edited", "A note's text was changed.", "", {"note": 41, "changed": ["body"]}
        ),
        EventType(
            "note.pinned", "A note was pinned to the top.", "", {"note": 41, "changed": ["pinned"]}
        ),
        EventType("note.unpinned", "A note was unpinned.", "", {"note": 41, "changed": ["pinned"]}),
        EventType("note.deleted", "A note was deleted.", "", {"note": 41}),
    )
