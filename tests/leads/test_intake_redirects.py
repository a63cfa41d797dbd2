"""Intake admin views honour `next` only for paths on this site (issue 8, item 5)."""

import pytest
from django.urls import reverse

from leads.intake.models import IntakeSubmission

from .intake_factories import IntakeFormFactory


@pytest.fixture
def failed_submission(north):
    form = IntakeFormFactory(team=north)
    return IntakeSubmission.objects.create(
        form=form, payload={"last_name": "Lovelace"}, state=IntakeSubmission.State.FAILED
    )


@pytest.mark.parametrize(
    "next_url", ["https://evil.test/phish", "//evil.test/phish", "javascript:alert(1)"]
)
def test_it_never_redirects_off_site_after_a_retry(client, admin, failed_submission, next_url):
    client.force_login(admin)
    response = client.post(
        reverse("leads:intake_submission_retry", args=[failed_submission.pk]), {"next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == failed_submission.form.get_absolute_url()
    failed_submission.refresh_from_db()
    assert failed_submission.state == IntakeSubmission.State.PENDING


def test_it_follows_a_next_path_on_this_site(client, admin, failed_submission):
    client.force_login(admin)
    response = client.post(
        reverse("leads:intake_submission_retry", args=[failed_submission.pk]),
        {"next": "/leads/intake/?page=2"},
    )
    assert response["Location"] == "/leads/intake/?page=2"
