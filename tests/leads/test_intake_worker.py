"""The intake and import tasks through a real Celery worker on Redis (CI; skipped locally
without REDIS_URL)."""

import json
import time

import pytest
from django.urls import reverse

from leads.intake.models import ImportJob, IntakeSubmission
from leads.models import Lead

from .intake_factories import HEADER, IntakeFormFactory, csv_upload, lead_rows

pytestmark = pytest.mark.worker


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_turns_a_submission_into_a_lead(live_celery_worker, client, rep, teammate):
    form = IntakeFormFactory(team=rep.team)
    response = client.post(
        reverse("intake_submit", args=[form.key]),
        data=json.dumps({"last_name": "Worker", "email": "worker@x.test"}),
        content_type="application/json",
    )
    assert response.status_code == 202
    submission_id = response.json()["id"]
    assert wait_for(lambda: IntakeSubmission.objects.get(pk=submission_id).state == "processed")
    lead = Lead.objects.get(email="worker@x.test")
    assert lead.owner == rep


def test_a_real_worker_imports_a_csv_file(live_celery_worker, rep, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = api_as(rep).post(
        "/api/v1/lead-imports/", {"file": csv_upload([HEADER, *lead_rows(25)])}, format="multipart"
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert wait_for(lambda: ImportJob.objects.get(pk=job_id).state == "done")
    job = ImportJob.objects.get(pk=job_id)
    assert (job.created, job.rejected, job.processed) == (25, 0, 25)
    assert Lead.objects.count() == 25
