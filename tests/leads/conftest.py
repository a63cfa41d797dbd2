"""Fixtures shared by the lead tests (personas live in tests/conftest.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leads.imports import import_job_create, import_job_set_mapping, import_job_start
from tests.factories import PipelineFactory

from .intake_factories import IntakeFormFactory, csv_upload


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded import files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def run(media_root, django_capture_on_commit_callbacks):
    """Upload rows as user, map (or keep the guess), start, and let the task run."""

    def _run(user, rows, *, mapping=None, owner=None, **kwargs):
        upload = rows if isinstance(rows, SimpleUploadedFile) else csv_upload(rows, **kwargs)
        job = import_job_create(actor=user, upload=upload, owner=owner)
        if mapping is not None:
            job = import_job_set_mapping(actor=user, job=job, mapping=mapping)
        with django_capture_on_commit_callbacks(execute=True):
            import_job_start(actor=user, job=job)
        job.refresh_from_db()
        return job

    return _run


@pytest.fixture
def form(rep, teammate):
    """An active intake form of team North (Alice and Bob receive its leads)."""
    return IntakeFormFactory(team=rep.team)


@pytest.fixture
def pipeline(db):
    return PipelineFactory(name="New business")
