"""Processing stored submissions: dedup by email, round-robin, idempotency, sweep, locking."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from leads.intake import services as intake
from leads.intake.models import IntakeSubmission
from leads.models import Lead
from leads.tasks import process_intake_submission_task, requeue_intake_submissions_task
from tests.factories import TeamFactory, UserFactory

from .intake_factories import IntakeFormFactory


def receive(form, payload, capture):
    with capture(execute=False):
        return intake.intake_submission_receive(form=form, payload=payload)


def test_it_processes_a_submission_once_when_the_task_runs_twice(
    form, rep, django_capture_on_commit_callbacks
):
    # Given a stored submission
    submission = receive(
        form, {"last_name": "Twice", "email": "twice@x.test"}, django_capture_on_commit_callbacks
    )
    # When the task is delivered twice
    first = process_intake_submission_task(submission.pk)
    second = process_intake_submission_task(submission.pk)
    # Then one lead is made and the second run does nothing
    assert (first, second) == ("processed", None)
    assert Lead.objects.filter(email="twice@x.test").count() == 1
    submission.refresh_from_db()
    assert submission.attempts == 1


def test_it_answers_the_profile_rules_of_a_new_lead(form, django_capture_on_commit_callbacks):
    # Given a form that takes company size, and the default criteria (50-5000 employees fit)
    form.allowed_fields = [*form.allowed_fields, "employee_count"]
    form.save()
    submission = receive(
        form,
        {"last_name": "Fit", "email": "fit@x.test", "employee_count": "1,200"},
        django_capture_on_commit_callbacks,
    )
    # When processed
    intake.intake_submission_process(submission_id=submission.pk)
    # Then the lead is scored from its profile and has a working qualification
    lead = Lead.objects.get()
    assert lead.employee_count == 1200
    assert lead.score == 30
    assert lead.qualifications.filter(decided_at__isnull=True).count() == 1


def test_it_ignores_fields_the_form_does_not_allow(form, django_capture_on_commit_callbacks):
    submission = receive(
        form,
        {"last_name": "Strict", "email": "s@x.test", "industry": "Mining", "country": "Chile"},
        django_capture_on_commit_callbacks,
    )
    intake.intake_submission_process(submission_id=submission.pk)
    lead = Lead.objects.get()
    assert (lead.industry, lead.country) == ("", "")
    submission.refresh_from_db()
    assert submission.payload["industry"] == "Mining"


def test_it_falls_back_to_the_manager_when_nobody_else_qualifies_leads(
    roles, django_capture_on_commit_callbacks
):
    # Given a team of a manager and an account manager (who doesn't run lead qualification)
    team = TeamFactory(name="East")
    boss = UserFactory(role=roles["sales-manager"], team=team)
    team.manager = boss
    team.save()
    UserFactory(role=roles["account-manager"], team=team)
    form = IntakeFormFactory(team=team)
    submission = receive(
        form, {"last_name": "Solo", "email": "solo@x.test"}, django_capture_on_commit_callbacks
    )
    intake.intake_submission_process(submission_id=submission.pk)
    assert Lead.objects.get().owner == boss


def test_it_marks_a_submission_failed_with_the_reason(form, django_capture_on_commit_callbacks):
    # Given a stored submission, after which the admin stopped allowing emails and companies
    submission = receive(
        form, {"last_name": "Late", "email": "late@x.test"}, django_capture_on_commit_callbacks
    )
    form.allowed_fields = ["first_name", "last_name"]
    form.save()
    # When processed
    intake.intake_submission_process(submission_id=submission.pk)
    # Then it failed, says why, and made no lead
    submission.refresh_from_db()
    assert submission.state == "failed"
    assert submission.error == "Needs an email or a company."
    assert Lead.objects.count() == 0


def test_it_retries_a_failed_submission(form, admin, django_capture_on_commit_callbacks):
    submission = IntakeSubmission.objects.create(
        form=form,
        payload={"last_name": "Again", "email": "again@x.test"},
        state="failed",
        error="The form's team had nobody.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        intake.intake_submission_retry(actor=admin, submission=submission)
    submission.refresh_from_db()
    assert (submission.state, submission.error) == ("processed", "")
    assert Lead.objects.filter(email="again@x.test").count() == 1


def test_the_sweep_enqueues_stale_pending_submissions(form, django_capture_on_commit_callbacks):
    # Given a submission left pending ten minutes ago (Redis was down) and a fresh one
    stale = receive(
        form, {"last_name": "Stale", "email": "stale@x.test"}, django_capture_on_commit_callbacks
    )
    IntakeSubmission.objects.filter(pk=stale.pk).update(
        received_at=timezone.now() - timedelta(minutes=10)
    )
    fresh = receive(
        form, {"last_name": "Fresh", "email": "fresh@x.test"}, django_capture_on_commit_callbacks
    )
    # When the sweep runs
    count = requeue_intake_submissions_task()
    # Then only the stale one is processed
    assert count == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.state, fresh.state) == ("processed", "pending")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_with_one_email_make_one_lead(rep, teammate):
    if connection.vendor != "postgresql":
        pytest.skip("row and advisory locks need PostgreSQL")
    # Given two stored submissions from the same person
    form = IntakeFormFactory(team=rep.team)
    ids = [
        IntakeSubmission.objects.create(
            form=form, payload={"last_name": "Race", "email": "race@x.test", "phone": str(n)}
        ).pk
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    errors = []

    def work(submission_id):
        try:
            barrier.wait(timeout=5)
            intake.intake_submission_process(submission_id=submission_id)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    # When two workers process them at the same moment
    threads = [threading.Thread(target=work, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Then one lead exists, made by one; the other is attached to it
    assert errors == []
    assert Lead.objects.filter(email="race@x.test").count() == 1
    outcomes = sorted(IntakeSubmission.objects.values_list("outcome", flat=True))
    assert outcomes == ["attached", "created"]
