"""Bulk actions: each row through its service, refusals reported, other teams untouched."""

import pytest
from django.urls import reverse

from accounts.models import Account
from deals.models import Deal, Stage
from leads.models import Lead
from salesproc.bulk_actions.models import BulkJob, BulkJobRow
from salesproc.bulk_actions.services import NOT_FOUND
from salesproc.models import Event
from tests.factories import AccountFactory, DealFactory, LeadFactory, PipelineFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bulk-actions/"


def outcomes(job):
    return {
        row.record_id: (row.outcome, row.reason)
        for row in BulkJobRow.objects.filter(job_id=job["id"] if isinstance(job, dict) else job.pk)
    }


def test_a_manager_reassigns_the_teams_leads_and_another_teams_lead_is_skipped(
    api_as, manager, rep, teammate, other_rep
):
    mine = LeadFactory.create_batch(2, owner=rep)
    theirs = LeadFactory(owner=other_rep)
    response = api_as(manager).post(
        URL,
        {
            "record_type": "lead",
            "action": "reassign",
            "ids": [mine[0].pk, mine[1].pk, theirs.pk],
            "params": {"owner": teammate.pk},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["total"], body["changed"], body["skipped"]) == ("done", 3, 2, 1)
    assert {r["record_id"]: r["outcome"] for r in body["rows"]} == {
        mine[0].pk: "changed",
        mine[1].pk: "changed",
        theirs.pk: "skipped",
    }
    skipped = next(r for r in body["rows"] if r["outcome"] == "skipped")
    assert skipped["reason"] == NOT_FOUND
    assert skipped["title"] == ""  # nothing of another team's record leaks
    assert set(
        Lead.objects.filter(pk__in=[m.pk for m in mine]).values_list("owner", flat=True)
    ) == {teammate.pk}
    theirs.refresh_from_db()
    assert theirs.owner == other_rep
    # each change went through the service: an event per lead
    updated = Event.objects.filter(name="lead.updated", actor=manager)
    assert sorted(updated.values_list("object_id", flat=True)) == sorted(m.pk for m in mine)


def test_disqualifying_skips_a_converted_lead_with_the_services_reason(api_as, rep):
    open_lead = LeadFactory(owner=rep)
    converted = LeadFactory(owner=rep)
    Lead.objects.filter(pk=converted.pk).update(status=Lead.Status.CONVERTED)
    response = api_as(rep).post(
        URL,
        {
            "record_type": "lead",
            "action": "disqualify",
            "ids": [open_lead.pk, converted.pk],
            "params": {"reason": "No budget"},
        },
        format="json",
    )
    assert response.status_code == 400  # the reason is a choice of the offered ones
    assert "reason" in response.json()
    from leads.models import DisqualificationReason

    reason = DisqualificationReason.objects.get(name__iexact="No budget")
    response = api_as(rep).post(
        URL,
        {
            "record_type": "lead",
            "action": "disqualify",
            "ids": [open_lead.pk, converted.pk],
            "params": {"reason": reason.pk},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    rows = outcomes(response.json())
    assert rows[open_lead.pk] == ("changed", "")
    assert rows[converted.pk][0] == "skipped"
    assert "converted" in rows[converted.pk][1]
    open_lead.refresh_from_db()
    assert open_lead.status == Lead.Status.DISQUALIFIED
    assert open_lead.disqualification_reason == reason
    assert Lead.objects.get(pk=converted.pk).status == Lead.Status.CONVERTED


def test_a_stage_change_skips_closed_deals_and_unconfirmed_exit_criteria(api_as, rep):
    pipeline = PipelineFactory()
    stages = {s.name: s for s in Stage.objects.filter(pipeline=pipeline)}
    Stage.objects.filter(pk=stages["Discovery"].pk).update(exit_criteria=["Budget confirmed"])
    easy = DealFactory(owner=rep, pipeline=pipeline)
    gated = DealFactory(owner=rep, pipeline=pipeline)
    Deal.objects.filter(pk=gated.pk).update(stage=stages["Discovery"])
    won = DealFactory(owner=rep, pipeline=pipeline)
    Deal.objects.filter(pk=won.pk).update(stage=stages["Closed won"], status=Deal.Status.WON)
    response = api_as(rep).post(
        URL,
        {
            "record_type": "deal",
            "action": "stage",
            "ids": [easy.pk, gated.pk, won.pk],
            "params": {"stage": stages["Proposal"].pk},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    rows = outcomes(response.json())
    assert rows[easy.pk][0] == "changed"
    assert rows[gated.pk][0] == "skipped" and rows[gated.pk][1]
    assert rows[won.pk][0] == "skipped" and rows[won.pk][1]
    assert Deal.objects.get(pk=easy.pk).stage == stages["Proposal"]
    assert Deal.objects.get(pk=gated.pk).stage == stages["Discovery"]
    assert Deal.objects.get(pk=won.pk).stage == stages["Closed won"]


def test_the_recycle_bin_action_and_an_account_with_live_deals(api_as, rep):
    free = AccountFactory(owner=rep)
    busy = DealFactory(owner=rep).account
    response = api_as(rep).post(
        URL,
        {"record_type": "account", "action": "delete", "ids": [free.pk, busy.pk]},
        format="json",
    )
    assert response.status_code == 201
    rows = outcomes(response.json())
    assert rows[free.pk][0] == "changed"
    assert rows[busy.pk][0] == "skipped"
    assert not Account.objects.filter(pk=free.pk).exists()
    assert Account.objects.filter(pk=busy.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"record_type": "planet", "action": "delete", "ids": [1]}, "record_type"),
        ({"record_type": "lead", "action": "explode", "ids": [1]}, "action"),
        ({"record_type": "lead", "action": "delete", "ids": []}, "ids"),
        ({"record_type": "lead", "action": "delete"}, "ids"),
        ({"record_type": "lead", "action": "delete", "ids": ["x"]}, "ids"),
        ({"record_type": "lead", "action": "reassign", "ids": [1]}, "owner"),
        (
            {"record_type": "lead", "action": "reassign", "ids": [1], "params": {"owner": "me"}},
            "owner",
        ),
        ({"record_type": "lead", "action": "delete", "filter": "status=open"}, "filter"),
    ],
)
def test_bad_input_answers_400_with_field_errors(api_as, rep, payload, field):
    response = api_as(rep).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert BulkJob.objects.count() == 0


def test_a_rep_cannot_give_leads_to_someone_outside_their_reach(api_as, rep, teammate):
    lead = LeadFactory(owner=rep)
    response = api_as(rep).post(
        URL,
        {
            "record_type": "lead",
            "action": "reassign",
            "ids": [lead.pk],
            "params": {"owner": teammate.pk},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "owner" in response.json()
    lead.refresh_from_db()
    assert lead.owner == rep


def test_another_teams_manager_changes_nothing_and_cannot_read_the_job(
    api_as, manager, rep, other_manager
):
    leads = LeadFactory.create_batch(3, owner=rep)
    response = api_as(other_manager).post(
        URL,
        {"record_type": "lead", "action": "delete", "ids": [lead.pk for lead in leads]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["skipped"] == 3
    assert Lead.objects.filter(pk__in=[lead.pk for lead in leads]).count() == 3
    job_id = response.json()["id"]
    assert api_as(manager).get(f"{URL}{job_id}/").status_code == 404
    assert api_as(other_manager).get(f"{URL}{job_id}/").status_code == 200


def test_all_matching_the_filter_selects_what_the_list_shows(
    api_as, manager, rep, teammate, other_rep
):
    LeadFactory.create_batch(3, owner=rep, source="Fair")
    LeadFactory(owner=teammate, source="Web")
    LeadFactory(owner=other_rep, source="Fair")
    response = api_as(manager).post(
        URL,
        {
            "record_type": "lead",
            "action": "reassign",
            "filter": {"source": "Fair"},
            "params": {"owner": teammate.pk},
        },
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["total"], response.json()["changed"]) == (3, 3)
    assert Lead.objects.filter(owner=teammate).count() == 4
    assert Lead.objects.filter(owner=other_rep).count() == 1


def test_over_200_rows_run_as_a_job_with_progress_and_a_report(
    client, api_as, rep, django_capture_on_commit_callbacks
):
    leads = Lead.objects.bulk_create(
        [
            Lead(first_name="Bulk", last_name=f"L{i}", email=f"b{i}@x.test", owner=rep)
            for i in range(205)
        ]
    )
    ids = [lead.pk for lead in leads]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_as(rep).post(
            URL,
            {
                "record_type": "lead",
                "action": "status",
                "ids": ids,
                "params": {"status": "working"},
            },
            format="json",
        )
    assert response.status_code == 202
    body = response.json()
    assert (body["state"], body["processed"], body["rows"]) == ("queued", 0, [])
    client.force_login(rep)
    page = client.get(reverse("bulk_actions:job", args=[body["id"]]))
    assert 'hx-trigger="every 1s"' in page.content.decode()
    assert "Waiting to start" in page.content.decode()

    for callback in callbacks:  # the task (eager in tests) runs once the request commits
        callback()
    job = BulkJob.objects.get(pk=body["id"])
    assert (job.state, job.processed, job.changed) == ("done", 205, 205)
    assert Lead.objects.filter(status=Lead.Status.WORKING).count() == 205
    progress = client.get(reverse("bulk_actions:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    report = client.get(reverse("bulk_actions:job", args=[job.pk]))
    assert "Done (205)" in report.content.decode()
    # running the task again changes nothing and duplicates no row
    from salesproc.bulk_actions.tasks import run_bulk_job_task

    assert run_bulk_job_task.apply(args=[job.pk]).get() is None
    assert job.rows.count() == 205


def test_the_page_form_starts_an_action_and_shows_the_report(client, manager, rep, other_rep):
    mine = LeadFactory(owner=rep, last_name="Mine")
    theirs = LeadFactory(owner=other_rep, last_name="Theirs")
    client.force_login(manager)
    response = client.post(
        reverse("bulk_actions:start", args=["lead"]),
        {"action": "reassign", "ids": [mine.pk, theirs.pk], "owner": manager.pk, "next": "/leads/"},
    )
    job = BulkJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bulk_actions:job", args=[job.pk])
    text = client.get(response["Location"]).content.decode()
    assert "Skipped (1)" in text and NOT_FOUND in text and "Theirs" not in text
    assert "Done (1)" in text and "Mine" in text
    assert 'href="/leads/"' in text
    # bad input: back to the list with the message, nothing recorded
    response = client.post(
        reverse("bulk_actions:start", args=["lead"]),
        {"action": "reassign", "ids": [mine.pk], "owner": "", "next": "/leads/"},
        follow=True,
    )
    assert "Choose the new owner." in response.content.decode()
    assert BulkJob.objects.count() == 1


def test_the_sweep_resumes_a_job_whose_worker_stopped(rep):
    from datetime import timedelta

    from django.utils import timezone

    from salesproc.bulk_actions.tasks import requeue_bulk_jobs_task

    leads = LeadFactory.create_batch(3, owner=rep)
    job = BulkJob.objects.create(
        actor=rep,
        record_type="lead",
        action="delete",
        label="Delete",
        ids=[lead.pk for lead in leads],
        total=3,
        state=BulkJob.State.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    BulkJobRow.objects.create(job=job, record_id=leads[0].pk, outcome="changed")
    fresh = BulkJob.objects.create(
        actor=rep, record_type="lead", action="delete", label="Delete", ids=[leads[1].pk], total=1
    )
    assert requeue_bulk_jobs_task.apply().get() == 1  # the fresh queued one is left to its own task
    job.refresh_from_db()
    assert (job.state, job.processed, job.changed) == ("done", 3, 3)
    assert Lead.objects.filter(pk=leads[0].pk).exists()  # the recorded row was not run again
    assert not Lead.objects.filter(pk__in=[leads[1].pk, leads[2].pk]).exists()
    fresh.refresh_from_db()
    assert fresh.state == "queued"


def test_another_user_cannot_see_a_job_page(client, manager, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)
    client.post(
        reverse("bulk_actions:start", args=["lead"]), {"action": "delete", "ids": [lead.pk]}
    )
    job = BulkJob.objects.get()
    client.force_login(manager)
    assert client.get(reverse("bulk_actions:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("bulk_actions:progress", args=[job.pk])).status_code == 404


def test_an_admin_changes_every_teams_rows_and_a_rep_only_their_own(
    api_as, admin, rep, teammate, other_rep
):
    ours, theirs, mates = (
        LeadFactory(owner=rep),
        LeadFactory(owner=other_rep),
        LeadFactory(owner=teammate),
    )
    body = (
        api_as(admin)
        .post(
            URL,
            {
                "record_type": "lead",
                "action": "reassign",
                "ids": [ours.pk, theirs.pk],
                "params": {"owner": admin.pk},
            },
            format="json",
        )
        .json()
    )
    assert (body["changed"], body["skipped"]) == (2, 0)
    assert set(
        Lead.objects.filter(pk__in=[ours.pk, theirs.pk]).values_list("owner", flat=True)
    ) == {admin.pk}
    mine = LeadFactory(owner=rep)
    body = (
        api_as(rep)
        .post(
            URL,
            {"record_type": "lead", "action": "delete", "ids": [mine.pk, mates.pk]},
            format="json",
        )
        .json()
    )
    assert outcomes(body) == {mine.pk: ("changed", ""), mates.pk: ("skipped", NOT_FOUND)}
    assert Lead.objects.filter(pk=mates.pk).exists()
