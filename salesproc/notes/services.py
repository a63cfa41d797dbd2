"""Writes of notes: add, edit, pin, delete; @mentions notify who may see the record."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from salesproc.events import record_event
from salesproc.models import User
from salesproc.registry import get_record_for_user, record_type, record_type_of
from salesproc.services import notify

from .markdown import render_markdown
from .models import Note

MAX_BODY = 20000
# "@rosa", "@r.jensen": a username after a space or the start; a trailing dot is prose.
MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+)")


def mentioned_usernames(body: str) -> list[str]:
    seen, names = set(), []
    for match in MENTION.finditer(body or ""):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def _may_see(user, kind, record_id):
    if not user.is_active or (kind.process and not user.runs(kind.process)):
        return False
    return kind.visible(user).filter(pk=record_id).exists()


def _notify_mentions(*, actor, note, record, kind, already=()):
    """Notify the people mentioned who may see the record; name the others."""
    names = mentioned_usernames(note.body)
    condition = Q(pk__in=[])
    for name in names:  # usernames are matched case-insensitively
        condition |= Q(username__iexact=name)
    users = {u.username.lower(): u for u in User.objects.filter(condition)} if names else {}
    notified, not_notified = [], []
    for name in names:
        user = users.get(name.lower())
        if user is None:
            not_notified.append({"username": name, "reason": "nobody has this username"})
        elif user.pk == actor.pk:
            continue
        elif not _may_see(user, kind, record.pk):
            not_notified.append(
                {"username": user.username, "reason": f"may not see this {kind.label.lower()}"}
            )
        else:
            notified.append(user.username)
            if user.username.lower() in {a.lower() for a in already}:
                continue
            notify(
                recipient=user,
                text=f"{actor.display_name} mentioned you on {kind.label.lower()} {kind.title(record)}",
                url=f"{kind.url(record)}#note-{note.pk}",
                key=f"note-mention-{note.pk}-{user.pk}",
                kind="mention",
            )
    return {"notified": notified, "not_notified": not_notified}


def _clean_body(body):
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the note first."})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"Keep a note under {MAX_BODY:,} characters."})
    return body


@transaction.atomic
def note_create(
    *, actor: User, record_type: str, record_id, body: str, pinned: bool = False
) -> Note:
    """A note on a record the actor may see (404 otherwise, nothing written)."""
    record = get_record_for_user(record_type, record_id, actor)
    kind = record_type_of(record)
    body = _clean_body(body)
    note = Note.objects.create(
        record_type=kind.type,
        record_id=record.pk,
        author=actor,
        body=body,
        body_html=render_markdown(body),
        pinned=bool(pinned),
    )
    note.mentions = _notify_mentions(actor=actor, note=note, record=record, kind=kind)
    note.save(update_fields=["mentions"])
    record_event(
        subject=record,
        name="note.added",
        actor=actor,
        summary=f"Note: {body[:150]}",
        data={"note": note.pk, "pinned": note.pinned, "mentioned": note.mentions["notified"]},
    )
    return note


def record_of(note: Note, user: User):
    """The note's record if the user may see it; Http404 otherwise."""
    return get_record_for_user(note.record_type, note.record_id, user)


def get_note_for_user(user: User, pk) -> Note:
    note = (
        Note.objects.select_related("author").filter(pk=pk).first() if str(pk).isdigit() else None
    )
    if note is None:
        raise Http404("No note matches the given query.")
    record_of(note, user)  # hidden record, hidden note
    return note


def _may_edit(actor, note):
    return note.author_id == actor.pk or actor.is_crm_admin


@transaction.atomic
def note_update(*, actor: User, note: Note, body: str | None = None, pinned: bool | None = None):
    """The author edits the body; anyone who sees the record pins or unpins it."""
    note = Note.objects.select_for_update().get(pk=get_note_for_user(actor, note.pk).pk)
    record = record_of(note, actor)
    kind = record_type(note.record_type)
    changed = []
    if body is not None and body.strip() != note.body:
        if not _may_edit(actor, note):
            raise ValidationError({"body": "Only the note's author edits it."})
        note.body = _clean_body(body)
        note.body_html = render_markdown(note.body)
        already = note.mentions.get("notified", []) if note.mentions else []
        note.mentions = _notify_mentions(
            actor=actor, note=note, record=record, kind=kind, already=already
        )
        changed.append("body")
    if pinned is not None and bool(pinned) != note.pinned:
        note.pinned = bool(pinned)
        changed.append("pinned")
    if not changed:
        return note
    note.save()
    record_event(
        subject=record,
        name="note.edited"
        if "body" in changed
        else ("note.pinned" if note.pinned else "note.unpinned"),
        actor=actor,
        summary=f"Note {'edited' if 'body' in changed else ('pinned' if note.pinned else 'unpinned')}: "
        f"{note.body[:120]}",
        data={"note": note.pk, "changed": changed},
    )
    return note


@transaction.atomic
def note_delete(*, actor: User, note: Note) -> None:
    note = get_note_for_user(actor, note.pk)
    if not _may_edit(actor, note):
        raise ValidationError({"body": "Only the note's author deletes it."})
    record = record_of(note, actor)
    record_event(
        subject=record,
        name="note.deleted",
        actor=actor,
        summary=f"Note deleted: {note.body[:120]}",
        data={"note": note.pk},
    )
    note.delete()


def notes_import(*, actor: User | None, record_type: str, items, summary: str = "") -> int:
    """Notes from an import: [(record, text)], records already checked by the importer.

    A text already on its record is not added again (an import run twice adds each note
    once). No one is notified of mentions in imported text. Written in a few queries for
    the whole batch, with one `note.added` event per note on its record's timeline.
    """
    from salesproc.events import record_events_bulk

    items = [(record, (text or "").strip()[:MAX_BODY]) for record, text in items]
    items = [(record, text) for record, text in items if text and record.pk]
    if not items:
        return 0
    existing = set(
        Note.objects.filter(
            record_type=record_type,
            record_id__in={record.pk for record, _ in items},
            body__in={text for _, text in items},
        ).values_list("record_id", "body")
    )
    fresh, seen = [], set()
    for record, text in items:
        if (record.pk, text) in existing or (record.pk, text) in seen:
            continue
        seen.add((record.pk, text))
        fresh.append((record, text))
    if not fresh:
        return 0
    created = Note.objects.bulk_create(
        Note(
            record_type=record_type,
            record_id=record.pk,
            author=actor,
            body=text,
            body_html=render_markdown(text),
            mentions={"notified": [], "not_notified": []},
        )
        for record, text in fresh
    )
    note_of = {record.pk: note.pk for (record, _), note in zip(fresh, created, strict=True)}
    record_events_bulk(
        subjects=[record for record, _ in fresh],
        name="note.added",
        actor=actor,
        summary=summary or "Note imported",
        data=lambda record: {"note": note_of.get(record.pk), "pinned": False, "mentioned": []},
    )
    return len(created)
