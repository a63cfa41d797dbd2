"""Note pages: add from a record's panel, edit, pin, delete (each a POST back to it)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from salesproc.registry import get_record_for_user, record_type
from salesproc.view_support import safe_next_url
from salesproc.views import apply_errors

from . import services


class NoteForm(forms.Form):
    """A note's text. Its ids are its own (note-body...): a record page also holds the
    email composer and other forms with a "body"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "note-%s")
        super().__init__(*args, **kwargs)

    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Markdown; @username to mention"}),
        max_length=services.MAX_BODY,
    )
    pinned = forms.BooleanField(label="Pin to the top", required=False)


def mention_messages(request, note):
    report = note.mentions or {}
    if report.get("notified"):
        names = ", ".join(f"@{n}" for n in report["notified"])
        messages.success(request, f"Told {names} about this note.")
    for item in report.get("not_notified", []):
        messages.warning(request, f"@{item['username']} was not notified: {item['reason']}.")


@login_required
@require_POST
def note_add(request):
    record = get_record_for_user(
        request.POST.get("record_type", ""), request.POST.get("record_id", ""), request.user
    )
    kind = record_type(request.POST["record_type"])
    back = safe_next_url(request, kind.url(record))
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note = services.note_create(
                actor=request.user,
                record_type=kind.type,
                record_id=record.pk,
                body=form.cleaned_data["body"],
                pinned=form.cleaned_data["pinned"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Note added.")
            mention_messages(request, note)
            return redirect(f"{back}#note-{note.pk}")
    return render(
        request,
        "salesproc/notes/note_form.html",
        {"form": form, "record": record, "kind": kind, "next": back, "adding": True},
        status=400,
    )


@login_required
def note_edit(request, pk):
    note = services.get_note_for_user(request.user, pk)
    record = services.record_of(note, request.user)
    kind = record_type(note.record_type)
    back = safe_next_url(request, kind.url(record))
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                note = services.note_update(
                    actor=request.user,
                    note=note,
                    body=form.cleaned_data["body"],
                    pinned=form.cleaned_data["pinned"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Note saved.")
                mention_messages(request, note)
                return redirect(f"{back}#note-{note.pk}")
    else:
        form = NoteForm(initial={"body": note.body, "pinned": note.pinned})
    form.fields["body"].widget.attrs["rows"] = 10
    return render(
        request,
        "salesproc/notes/note_form.html",
        {"form": form, "record": record, "kind": kind, "next": back, "note": note},
    )


@login_required
@require_POST
def note_pin(request, pk):
    note = services.get_note_for_user(request.user, pk)
    record = services.record_of(note, request.user)
    services.note_update(actor=request.user, note=note, pinned=request.POST.get("pinned") == "1")
    back = safe_next_url(request, record_type(note.record_type).url(record))
    return redirect(f"{back}#note-{note.pk}")


@login_required
@require_POST
def note_delete(request, pk):
    note = services.get_note_for_user(request.user, pk)
    record = services.record_of(note, request.user)
    back = safe_next_url(request, record_type(note.record_type).url(record))
    try:
        services.note_delete(actor=request.user, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Note deleted.")
    return redirect(back)
