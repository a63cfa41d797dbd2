"""The lead CSV import maps a "Notes" column: each row's text becomes a note on its lead."""

import pytest

from leads.models import Lead
from salesproc.models import Event, Notification
from salesproc.notes.models import Note

from .intake_factories import HEADER, lead_rows

pytestmark = pytest.mark.usefixtures("media_root")


def _rows(notes):
    return [
        [*HEADER, "Notes"],
        *[[*row, note] for row, note in zip(lead_rows(len(notes)), notes, strict=True)],
    ]


def test_a_notes_column_becomes_a_note_on_each_lead(rep, manager, run):
    job = run(rep, _rows(["Met at **the fair**", "", f"Ask @{manager.username}"]))
    assert job.created == 3
    notes = {n.record_id: n for n in Note.objects.filter(record_type="lead")}
    leads = {lead.email: lead for lead in Lead.objects.all()}
    first = notes[leads["person0@import.test"].pk]
    assert first.body_html == "<p>Met at <strong>the fair</strong></p>"
    assert first.author == rep
    assert leads["person1@import.test"].pk not in notes  # an empty cell adds nothing
    assert Event.objects.filter(name="note.added").count() == 2
    assert not Notification.objects.filter(recipient=manager, kind="mention").exists()


def test_importing_the_same_file_twice_adds_each_note_once(rep, run):
    rows = _rows(["Budget in Q1", "Wants a demo"])
    run(rep, rows)
    run(rep, rows)
    assert Note.objects.count() == 2


def test_a_long_note_rejects_its_row(rep, run):
    job = run(rep, _rows(["x" * 20001]))
    assert job.rejected == 1 and not Note.objects.exists()
    assert "Notes are longer than 20,000 characters." in job.rows.get().reason
