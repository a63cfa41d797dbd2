"""The "Add a task" bulk action: one task per visible row through task_create, on all
five lists; rows of another team skipped and given no task."""

import pytest
from django.urls import reverse

from salesproc.bulk_actions.models import BulkJob
from salesproc.bulk_actions.services import NOT_FOUND
from salesproc.models import Event
from salesproc.todo.models import Task
from tests.calls.factories import plan
from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bulk-actions/"
PARAMS = {"title": "Call back about pricing", "due_at": "2026-12-03T10:00", "priority": "high"}


def start(api, record_type, ids, params):
    return api.post(
        URL,
        {"record_type": record_type, "action": "task", "ids": ids, "params": params},
        format="json",
    )


@pytest.mark.parametrize(
    ("record_type", "make"),
    [
        ("account", lambda owner: AccountFactory(owner=owner)),
        ("contact", lambda owner: ContactFactory(owner=owner)),
        ("lead", lambda owner: LeadFactory(owner=owner)),
        ("deal", lambda owner: DealFactory(owner=owner)),
        ("call", lambda owner: plan(owner)),
    ],
)
def test_a_manager_adds_a_task_to_each_row_and_another_teams_row_is_skipped(
    api_as, manager, rep, teammate, other_rep, record_type, make
):
    mine, theirs = make(rep), make(other_rep)
    params = {**PARAMS, "owner": teammate.pk}
    response = start(api_as(manager), record_type, [mine.pk, theirs.pk], params)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["changed"], body["skipped"]) == ("done", 1, 1)
    skipped = next(r for r in body["rows"] if r["outcome"] == "skipped")
    assert (skipped["record_id"], skipped["reason"]) == (theirs.pk, NOT_FOUND)
    task = Task.objects.get()
    assert (task.record_type, task.record_id) == (record_type, mine.pk)
    assert (task.title, task.priority, task.owner, task.created_by) == (
        "Call back about pricing",
        "high",
        teammate,
        manager,
    )
    assert task.due_at is not None and task.due_at.day == 3
    assert not Task.objects.filter(record_id=theirs.pk, record_type=record_type).exists()
    assert Event.objects.filter(name="task.created", actor=manager).count() == 1


def test_the_owner_defaults_to_the_actor_and_the_priority_to_normal(api_as, rep):
    leads = LeadFactory.create_batch(3, owner=rep)
    response = start(api_as(rep), "lead", [lead.pk for lead in leads], {"title": "Qualify"})
    assert response.status_code == 201, response.json()
    assert response.json()["changed"] == 3
    tasks = Task.objects.all()
    assert {(t.owner_id, t.priority, t.due_at) for t in tasks} == {(rep.pk, "normal", None)}
    assert sorted(t.record_id for t in tasks) == sorted(lead.pk for lead in leads)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Qualify", "priority": "urgent"}, "priority"),
        ({"title": "Qualify", "due_at": "next week"}, "due_at"),
    ],
)
def test_bad_params_answer_400_and_nothing_is_created(api_as, rep, params, field):
    lead = LeadFactory(owner=rep)
    response = start(api_as(rep), "lead", [lead.pk], params)
    assert response.status_code == 400
    assert field in response.json()
    assert not Task.objects.exists() and not BulkJob.objects.exists()


def test_a_rep_may_not_give_the_tasks_to_a_teammate(api_as, rep, teammate, other_rep):
    lead = LeadFactory(owner=rep)
    response = start(api_as(rep), "lead", [lead.pk], {"title": "Qualify", "owner": teammate.pk})
    assert response.status_code == 400 and "owner" in response.json()
    response = start(api_as(rep), "lead", [lead.pk], {"title": "Qualify", "owner": other_rep.pk})
    assert response.status_code == 400 and "owner" in response.json()
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "accounts:account_list",
        "accounts:contact_list",
        "leads:lead_list",
        "deals:deal_list",
        "calls:call_list",
    ],
)
def test_every_list_offers_the_action_with_its_fields(client, manager, name):
    client.force_login(manager)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="task">Add a task</option>' in html
    assert 'data-bulk-for="task"' in html
    assert 'name="title"' in html and 'type="datetime-local"' in html
    assert 'name="priority"' in html
    # the task's owner is preselected as the manager themselves
    assert f'<option value="{manager.pk}" selected>' in html


def test_the_page_form_adds_tasks_and_a_bad_title_is_a_form_error(client, manager, rep, other_rep):
    mine, theirs = LeadFactory(owner=rep), LeadFactory(owner=other_rep)
    client.force_login(manager)
    response = client.post(
        reverse("bulk_actions:start", args=["lead"]),
        {
            "action": "task",
            "ids": [mine.pk, theirs.pk],
            "title": "Send the brochure",
            "due_at": "2026-12-04T09:30",
            "priority": "low",
            "owner": rep.pk,
            "next": "/leads/",
        },
    )
    job = BulkJob.objects.get()
    assert response["Location"] == reverse("bulk_actions:job", args=[job.pk])
    text = client.get(response["Location"]).content.decode()
    assert "Skipped (1)" in text and NOT_FOUND in text
    task = Task.objects.get()
    assert (task.record_id, task.owner, task.priority) == (mine.pk, rep, "low")
    response = client.post(
        reverse("bulk_actions:start", args=["lead"]),
        {"action": "task", "ids": [mine.pk], "title": "", "next": "/leads/"},
        follow=True,
    )
    assert "Say what is to be done." in response.content.decode()
    assert Task.objects.count() == 1 and BulkJob.objects.count() == 1
