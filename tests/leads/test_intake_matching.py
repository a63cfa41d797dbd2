"""An anonymous submission never overwrites a lead (issue 8, item 1).

It creates a new lead, or it is attached to the matching open lead of the form's own
team as an activity whose differing fields the owner may accept.
"""

import pytest
from django.urls import reverse

from leads.intake import services as intake
from leads.models import Lead
from salesproc.events import timeline_for
from salesproc.models import Event
from tests.factories import LeadFactory


def process(form, payload, capture):
    with capture(execute=False):
        submission = intake.intake_submission_receive(form=form, payload=payload)
    return intake.intake_submission_process(submission_id=submission.pk)


def lead_fields(lead):
    lead.refresh_from_db()
    return (lead.first_name, lead.last_name, lead.phone, lead.company_name, lead.owner_id)


@pytest.fixture
def alices_lead(rep):
    return LeadFactory(
        owner=rep,
        first_name="Grace",
        last_name="Hopper",
        email="grace@navy.test",
        phone="",
        company_name="Navy",
    )


def test_a_submission_for_a_team_lead_is_attached_not_written(
    form, rep, alices_lead, django_capture_on_commit_callbacks
):
    before = lead_fields(alices_lead)
    # When someone posts Grace's email with another name and a phone
    submission = process(
        form,
        {
            "first_name": "Mallory",
            "last_name": "Hopper",
            "email": "GRACE@navy.test",
            "phone": "+1 555 0100",
        },
        django_capture_on_commit_callbacks,
    )
    # Then the lead is unchanged, and the submission is on its timeline with the differences
    assert lead_fields(alices_lead) == before
    assert Lead.objects.count() == 1
    assert (submission.state, submission.outcome, submission.lead_id) == (
        "processed",
        "attached",
        alices_lead.pk,
    )
    assert submission.proposed_changes == {
        "first_name": ["Grace", "Mallory"],
        "phone": ["", "+1 555 0100"],
    }
    events = [e.name for e in timeline_for(alices_lead, user=rep)]
    assert "lead.intake_received" in events
    assert not Event.objects.filter(name="lead.updated", object_id=alices_lead.pk).exists()


@pytest.mark.parametrize("status", [Lead.Status.CONVERTED, Lead.Status.DISQUALIFIED])
def test_a_converted_or_disqualified_lead_is_never_touched(
    form, rep, alices_lead, status, django_capture_on_commit_callbacks
):
    Lead.objects.filter(pk=alices_lead.pk).update(status=status)
    before = lead_fields(alices_lead)
    submission = process(
        form,
        {"last_name": "Impostor", "email": "grace@navy.test", "company_name": "Evil"},
        django_capture_on_commit_callbacks,
    )
    # Then a new lead is made for the team and the closed one is untouched
    assert lead_fields(alices_lead) == before
    new = Lead.objects.exclude(pk=alices_lead.pk).get()
    assert (new.last_name, new.company_name, new.status) == ("Impostor", "Evil", "new")
    assert (submission.outcome, submission.lead_id) == ("created", new.pk)
    assert not Event.objects.filter(
        object_id=alices_lead.pk, name__startswith="lead.intake"
    ).exists()


def test_another_teams_lead_is_never_seen_or_touched(
    form, rep, teammate, other_rep, django_capture_on_commit_callbacks
):
    # Given Charlie's lead (team South) with this email
    lead = LeadFactory(owner=other_rep, email="known@x.test", job_title="", last_name="Known")
    before = lead_fields(lead)
    # When North's form receives that email
    submission = process(
        form,
        {"last_name": "Known", "email": "known@x.test", "job_title": "CFO"},
        django_capture_on_commit_callbacks,
    )
    # Then Charlie's lead is untouched; North gets a new lead in turn
    assert lead_fields(lead) == before
    lead.refresh_from_db()
    assert lead.job_title == ""
    new = Lead.objects.exclude(pk=lead.pk).get()
    assert (new.owner, new.job_title, submission.outcome) == (rep, "CFO", "created")
    assert (
        not Event.objects.filter(object_id=lead.pk, name__startswith="lead.")
        .exclude(name="lead.created")
        .exists()
    )


def test_the_owner_accepts_the_offered_changes_on_the_lead_page(
    client, form, rep, alices_lead, django_capture_on_commit_callbacks
):
    submission = process(
        form,
        {"last_name": "Hopper", "email": "grace@navy.test", "phone": "+1 555 0100"},
        django_capture_on_commit_callbacks,
    )
    client.force_login(rep)
    # The lead page offers the change
    page = client.get(alices_lead.get_absolute_url()).content.decode()
    assert "Accept these changes" in page
    assert "+1 555 0100" in page
    # When Alice accepts it
    response = client.post(
        reverse("leads:lead_accept_intake_changes", args=[alices_lead.pk, submission.pk])
    )
    # Then the lead takes the new phone, once, with an event
    assert response.status_code == 302
    alices_lead.refresh_from_db()
    assert alices_lead.phone == "+1 555 0100"
    submission.refresh_from_db()
    assert submission.changes_accepted_by == rep
    assert Event.objects.filter(name="lead.updated", object_id=alices_lead.pk).count() == 1
    page = client.get(alices_lead.get_absolute_url()).content.decode()
    assert "Accept these changes" not in page
    # And accepting twice changes nothing more
    client.post(reverse("leads:lead_accept_intake_changes", args=[alices_lead.pk, submission.pk]))
    assert Event.objects.filter(name="lead.updated", object_id=alices_lead.pk).count() == 1


def test_the_owner_accepts_the_offered_changes_over_the_api(
    api_as, form, rep, other_manager, alices_lead, django_capture_on_commit_callbacks
):
    submission = process(
        form,
        {"last_name": "Hopper", "email": "grace@navy.test", "phone": "+1 555 0100"},
        django_capture_on_commit_callbacks,
    )
    url = f"/api/v1/leads/{alices_lead.pk}/accept-intake-changes/"
    # Otto (South's manager) can't see the lead: 404 and nothing changes
    response = api_as(other_manager).post(url, {"submission": submission.pk}, format="json")
    assert response.status_code == 404
    alices_lead.refresh_from_db()
    assert alices_lead.phone == ""
    # Alice accepts
    response = api_as(rep).post(url, {"submission": submission.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["phone"] == "+1 555 0100"
    alices_lead.refresh_from_db()
    assert alices_lead.phone == "+1 555 0100"
    # An unknown submission is a 400 that says why
    response = api_as(rep).post(url, {"submission": 99999}, format="json")
    assert response.status_code == 400
