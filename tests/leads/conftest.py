"""Fixtures shared by the lead tests (personas live in tests/conftest.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leads import services
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


@pytest.fixture(autouse=True)
def _default_criteria(request):
    """The defaults migration 0003 seeds, again for tests after a transactional flush.

    A transactional test (threads, a live server) empties every table when it ends, so
    the seeded criteria and reasons would be gone for the tests after it.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not {"db", "transactional_db"} & names:
        return
    transactional = "transactional_db" in names or (marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    services.criteria_ensure_defaults()
    services.disqualification_reasons_ensure_defaults()
