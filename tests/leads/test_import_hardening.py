"""Imports that must not harm: formula cells, converted leads, dead workers (issue 8)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leads import imports
from leads.imports import import_job_create, import_job_run, matching
from leads.intake.models import ImportJob
from leads.models import Lead
from leads.tasks import requeue_lead_imports_task
from salesproc.csvfile import neutralise_cell
from tests.factories import LeadFactory

from .intake_factories import HEADER, csv_upload, lead_rows

pytestmark = pytest.mark.usefixtures("media_root")


# -- item 14: formula injection ------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://evil.test")', '\'=HYPERLINK("http://evil.test")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Lovelace", "Lovelace"),
        (None, ""),
        (42, 42),
        (-5, -5),
    ],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(cell, shown):
    assert neutralise_cell(cell) == shown


def test_the_import_report_never_echoes_a_formula(client, rep, run):
    # Given an imported file whose cells start like formulas
    rows = [HEADER, ["=cmd|'/c calc'!A0", "@Lovelace", "ada@x.test", "+Engines", "", "", ""]]
    job = run(rep, rows)
    # When Alice downloads the report
    client.force_login(rep)
    response = client.get(reverse("leads:import_report_csv", args=[job.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    # Then the cells are shown as text, not run
    line = body.splitlines()[1]
    assert line.startswith("'=cmd|'/c calc'!A0,'@Lovelace,ada@x.test,'+Engines,")
    assert "\n=" not in body and ",=" not in body and ",@" not in body and ",+" not in body


# -- item 15: converted and disqualified leads ---------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Lead.Status.CONVERTED, imports.MATCHES_CONVERTED),
        (Lead.Status.DISQUALIFIED, imports.MATCHES_DISQUALIFIED),
    ],
)
def test_an_import_never_rewrites_a_converted_or_disqualified_lead(rep, run, status, reason):
    # Given Alice's lead person0 is converted (or disqualified)
    lead = LeadFactory(
        owner=rep,
        email="person0@import.test",
        first_name="Ada",
        last_name="Lovelace",
        company_name="Engines",
        status=status,
    )
    # When she imports a file with another person at that email
    job = run(rep, [HEADER, *lead_rows(2)])
    # Then the row is skipped with the reason, and the lead is untouched
    lead.refresh_from_db()
    assert (lead.first_name, lead.last_name, lead.company_name) == ("Ada", "Lovelace", "Engines")
    assert lead.status == status
    assert list(job.rows.values_list("row_number", "outcome", "reason")) == [
        (2, "rejected", reason),
        (3, "created", ""),
    ]
    assert (job.created, job.updated, job.rejected) == (1, 0, 1)


def test_the_preview_counts_every_row_and_rejection_of_the_file(rep, monkeypatch):
    # Given a file of 14 rows: one bad email at row 13, and person11 already converted
    monkeypatch.setattr(matching, "BATCH_SIZE", 5)
    LeadFactory(owner=rep, email="person11@import.test", status=Lead.Status.CONVERTED)
    rows = [HEADER, *lead_rows(11), ["X", "Y", "bad", "Z", "", "", ""], *lead_rows(2, start=11)]
    job = import_job_create(actor=rep, upload=csv_upload(rows))
    # When Alice previews it
    preview = imports.import_job_preview_summary(job=job)
    # Then the first ten rows are shown, and the counts cover the whole file
    assert len(preview.rows) == 10
    assert preview.total == 14
    assert preview.rejected == 2
    assert preview.converted == 1
    assert preview.new == 12


def test_the_preview_page_shows_totals_and_converted_matches(client, rep):
    LeadFactory(owner=rep, email="person11@import.test", status=Lead.Status.CONVERTED)
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(12)]))
    client.force_login(rep)
    text = client.get(reverse("leads:import_preview", args=[job.pk])).content.decode()
    assert "12 rows in the file" in text
    assert "1 row will be rejected" in text
    assert "1 row matches a converted or disqualified lead and will be skipped" in text


# -- item 7: a worker killed mid-import ----------------------------------------------


def _stalled_job(rep, *, seconds):
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(3)]))
    ImportJob.objects.filter(pk=job.pk).update(
        state="running",
        total=3,
        started_at=timezone.now() - timedelta(minutes=5),
        heartbeat_at=timezone.now() - timedelta(seconds=seconds),
    )
    return job


def test_the_sweep_requeues_a_run_silent_for_over_a_minute(rep, monkeypatch):
    # Given a run whose worker was killed 70 seconds ago, and a healthy one
    dead = _stalled_job(rep, seconds=70)
    _stalled_job(rep, seconds=10)
    queued = []
    monkeypatch.setattr(
        "leads.tasks.run_lead_import_task.delay", lambda job_id: queued.append(job_id)
    )
    # When the beat runs the sweep
    assert requeue_lead_imports_task() == 1
    # Then only the dead run is enqueued again, and a worker finishes it
    assert queued == [dead.pk]
    job = import_job_run(job_id=dead.pk)
    assert (job.state, job.created) == ("done", 3)


def test_a_live_run_is_not_taken_over(rep):
    job = _stalled_job(rep, seconds=10)
    assert import_job_run(job_id=job.pk) is None
    assert Lead.objects.count() == 0


def test_the_progress_says_the_import_waits_for_a_worker(client, rep):
    job = _stalled_job(rep, seconds=70)
    client.force_login(rep)
    text = client.get(reverse("leads:import_progress", args=[job.pk])).content.decode()
    assert "Waiting for a worker" in text
    assert "the last one stopped" in text
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    text = client.get(reverse("leads:import_progress", args=[job.pk])).content.decode()
    assert "Waiting for a worker" not in text
    assert "Importing row 0 of 3" in text


# -- issue 9: import runs and intake processing say how they acted --------------------


def test_import_runs_record_their_events_via_import(rep, run, monkeypatch):
    from salesproc import events

    channels = []
    original = events.record_events_bulk

    def spy(**kwargs):
        channels.append((kwargs["name"], events.current_via()))
        return original(**kwargs)

    monkeypatch.setattr("leads.imports.run.record_events_bulk", spy)
    run(rep, [HEADER, *lead_rows(2)])
    assert channels == [("lead.created", "import")]


def test_intake_processing_records_its_events_via_intake(
    form, monkeypatch, django_capture_on_commit_callbacks
):
    from leads.intake import services as intake
    from salesproc import events

    channels = []
    original = events.record_event

    def spy(**kwargs):
        channels.append((kwargs["name"], events.current_via()))
        return original(**kwargs)

    monkeypatch.setattr("leads.services.leads.record_event", spy)
    with django_capture_on_commit_callbacks(execute=False):
        submission = intake.intake_submission_receive(
            form=form, payload={"last_name": "Via", "email": "via@x.test"}
        )
    intake.intake_submission_process(submission_id=submission.pk)
    assert ("lead.created", "intake") in channels
    assert {channel for _, channel in channels} == {"intake"}
