"""Embedded mode (no Redis, eager Celery): a lead import runs off the request, in the web
process's background thread, and the progress endpoint shows it advance to done."""

import threading

import pytest
from django.urls import reverse

from leads.intake.models import ImportJob
from leads.models import Lead
from salesproc import background

from .intake_factories import HEADER, csv_upload, lead_rows

pytestmark = [pytest.mark.usefixtures("media_root"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def embedded(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.BACKGROUND_JOBS_IN_THREAD = True
    yield
    background.wait_for_background()


def test_the_import_view_returns_before_the_job_runs_and_progress_shows_it_done(
    client, rep, embedded
):
    client.force_login(rep)
    client.post(reverse("leads:import_upload"), {"file": csv_upload([HEADER, *lead_rows(30)])})
    job = ImportJob.objects.get()
    data = {f"col_{i}": field for i, field in enumerate(job.mapping)}
    client.post(reverse("leads:import_map", args=[job.pk]), {**data, "source": "Fair"})

    # Hold the background thread so "returned before the job finished" is not a race.
    gate = threading.Event()
    background._pool().submit(gate.wait, 10)
    response = client.post(reverse("leads:import_preview", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED
    assert Lead.objects.count() == 0
    page = client.get(reverse("leads:import_progress", args=[job.pk]))
    assert "Waiting for a worker" in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()

    gate.set()
    background.wait_for_background()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Lead.objects.count() == 30
    page = client.get(reverse("leads:import_progress", args=[job.pk]))
    assert 'hx-trigger="every 1s"' not in page.content.decode()
    assert "100%" in page.content.decode()


def test_without_the_thread_the_task_runs_inside_the_request(client, rep, settings):
    settings.BACKGROUND_JOBS_IN_THREAD = False
    client.force_login(rep)
    client.post(reverse("leads:import_upload"), {"file": csv_upload([HEADER, *lead_rows(3)])})
    job = ImportJob.objects.get()
    data = {f"col_{i}": field for i, field in enumerate(job.mapping)}
    client.post(reverse("leads:import_map", args=[job.pk]), {**data, "source": "Fair"})
    client.post(reverse("leads:import_preview", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
