"""Tasks: pages, API, reminders once, the team's overdue tasks, the calendar feed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from salesproc.models import Event, Notification, NotificationPreference
from salesproc.todo import services
from salesproc.todo.models import Task
from tests.factories import AccountFactory, LeadFactory

pytestmark = pytest.mark.django_db


def _task(owner, **kw):
    data = {"title": "Call back", "owner": owner, **kw}
    return services.task_create(actor=kw.pop("actor", owner), data=data)


def test_it_creates_a_task_on_a_record_from_the_page(client, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)
    url = reverse("todo:task_create") + f"?record_type=lead&record_id={lead.pk}"
    response = client.post(
        url,
        {
            "title": "Send the case study",
            "due_at": "2026-12-03T10:30",
            "owner": rep.pk,
            "priority": "high",
            "record_type": "lead",
            "record_id": lead.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == lead.get_absolute_url()
    task = Task.objects.get()
    assert (task.record_type, task.record_id, task.priority) == ("lead", lead.pk, "high")
    assert Event.objects.filter(name="task.created").count() == 1
    page = client.get(lead.get_absolute_url())
    assert "Send the case study" in page.content.decode()


def test_it_shows_form_errors_for_a_task_without_a_title(client, rep):
    client.force_login(rep)
    response = client.post(reverse("todo:task_create"), {"title": "", "owner": rep.pk})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Task.objects.exists()


def test_a_rep_of_another_team_gets_404_and_nothing_changes(client, rep, other_rep):
    account = AccountFactory(owner=rep)
    task = _task(rep, record_type="account", record_id=account.pk)
    client.force_login(other_rep)
    assert client.get(reverse("todo:task_edit", args=[task.pk])).status_code == 404
    assert client.post(reverse("todo:task_done", args=[task.pk])).status_code == 404
    assert client.post(reverse("todo:task_delete", args=[task.pk])).status_code == 404
    create = client.post(
        reverse("todo:task_create") + f"?record_type=account&record_id={account.pk}",
        {"title": "Sneak", "owner": other_rep.pk},
    )
    assert create.status_code == 404
    task.refresh_from_db()
    assert not task.done
    assert Task.objects.count() == 1


def test_my_tasks_sorts_into_overdue_today_upcoming_and_done(client, rep):
    now = timezone.now()
    _task(rep, title="Late", due_at=now - timedelta(hours=2))
    _task(rep, title="Later", due_at=now + timedelta(days=3))
    _task(rep, title="Finished", done=True)
    client.force_login(rep)
    response = client.get(reverse("todo:my_tasks"))
    buckets = response.context["buckets"]
    assert [t.title for t in buckets["overdue"]["tasks"]] == ["Late"]
    assert [t.title for t in buckets["upcoming"]["tasks"]] == ["Later"]
    assert [t.title for t in buckets["done"]["tasks"]] == ["Finished"]
    assert response.context["team_overdue"] is None  # a rep has no team view


def test_a_manager_sees_the_team_overdue_tasks_but_not_another_team(
    client, rep, manager, other_rep
):
    now = timezone.now()
    _task(rep, title="Alice late", due_at=now - timedelta(days=1))
    _task(other_rep, title="Charlie late", due_at=now - timedelta(days=1))
    client.force_login(manager)
    team = client.get(reverse("todo:my_tasks")).context["team_overdue"]
    assert [t.title for t in team["tasks"]] == ["Alice late"]


@pytest.mark.parametrize("rows", [10, 1000])
def test_my_tasks_page_query_count_is_bounded(client, rep, rows, django_assert_max_num_queries):
    lead = LeadFactory(owner=rep)
    now = timezone.now()
    Task.objects.bulk_create(
        Task(
            title=f"Task {n}",
            owner=rep,
            due_at=now + timedelta(hours=n - rows // 2),
            done=n % 7 == 0,
            record_type="lead" if n % 2 else "",
            record_id=lead.pk if n % 2 else None,
        )
        for n in range(rows)
    )
    client.force_login(rep)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("todo:my_tasks"))
    assert response.status_code == 200


def test_the_reminder_is_sent_once_even_when_the_task_runs_twice(
    rep, django_capture_on_commit_callbacks
):
    rep.email = "alice@example.test"
    rep.save()
    NotificationPreference.objects.create(user=rep, kind="task_due", channel="email")
    task = _task(rep, due_at=timezone.now() - timedelta(minutes=1))
    from salesproc.todo.tasks import send_task_reminders_task

    with django_capture_on_commit_callbacks(execute=True):
        assert send_task_reminders_task.delay().get() == 1
        assert send_task_reminders_task.delay().get() == 0
    assert services.task_remind(task_id=task.pk) is False
    notes = Notification.objects.filter(recipient=rep, kind="task_due")
    assert notes.count() == 1
    assert len([m for m in mail.outbox if "Task due" in m.subject]) == 1


def test_no_reminder_before_the_due_time_or_for_a_done_task(rep):
    _task(rep, title="Future", due_at=timezone.now() + timedelta(hours=1))
    _task(rep, title="Done", due_at=timezone.now() - timedelta(hours=1), done=True)
    assert services.task_reminders_send() == 0


def test_a_new_due_time_gets_its_own_reminder(rep):
    task = _task(rep, due_at=timezone.now() - timedelta(minutes=5))
    assert services.task_reminders_send() == 1
    services.task_update(
        actor=rep, task=task, data={"due_at": timezone.now() - timedelta(minutes=1)}
    )
    assert services.task_reminders_send() == 1
    assert Notification.objects.filter(recipient=rep, kind="task_due").count() == 2


def test_the_api_creates_lists_and_completes_tasks(api_as, rep):
    account = AccountFactory(owner=rep)
    api = api_as(rep)
    response = api.post(
        "/api/v1/tasks/",
        {
            "title": "Renewal call",
            "due_at": "2026-12-05T09:00:00Z",
            "priority": "normal",
            "record_type": "account",
            "record_id": account.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner"] == rep.pk and body["record_type"] == "account"
    on_nothing = api.post("/api/v1/tasks/", {"title": "Expenses"}, format="json").json()
    assert on_nothing["record_type"] == "" and on_nothing["record_id"] is None
    done = api.patch(f"/api/v1/tasks/{body['id']}/", {"done": True}, format="json")
    assert done.json()["done"] is True
    listed = api.get("/api/v1/tasks/?done=false").json()
    assert [t["title"] for t in listed["results"]] == ["Expenses"]


def test_the_api_answers_400_with_field_errors(api_as, rep, teammate):
    api = api_as(rep)
    bad = api.post(
        "/api/v1/tasks/",
        {"title": "", "priority": "urgent", "record_type": "planet"},
        format="json",
    )
    assert bad.status_code == 400
    assert {"title", "priority", "record_type"} <= set(bad.json())
    half = api.post("/api/v1/tasks/", {"title": "X", "record_type": "account"}, format="json")
    assert half.status_code == 400 and "record_type" in half.json()
    give = api.post("/api/v1/tasks/", {"title": "X", "owner": teammate.pk}, format="json")
    assert give.status_code == 400 and "owner" in give.json()  # a rep can't hand out tasks
    assert not Task.objects.exists()


def test_the_api_hides_other_teams_tasks_and_records(api_as, rep, other_rep):
    account = AccountFactory(owner=rep)
    task = _task(rep)
    api = api_as(other_rep)
    assert api.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert api.patch(f"/api/v1/tasks/{task.pk}/", {"done": True}, format="json").status_code == 404
    assert api.get("/api/v1/tasks/").json()["results"] == []
    on_hidden = api.post(
        "/api/v1/tasks/",
        {"title": "X", "record_type": "account", "record_id": account.pk},
        format="json",
    )
    assert on_hidden.status_code == 404
    assert Task.objects.count() == 1 and not Task.objects.get().done


def test_a_manager_gives_a_task_to_the_team_and_the_owner_hears(api_as, manager, rep):
    response = api_as(manager).post(
        "/api/v1/tasks/", {"title": "Prepare QBR", "owner": rep.pk}, format="json"
    )
    assert response.status_code == 201
    assert Notification.objects.filter(recipient=rep, text__contains="Prepare QBR").exists()


def test_tasks_are_in_the_calendar_feed(client, rep):
    rep.calendar_token = "t" * 40
    rep.save()
    _task(rep, title="Send; the, proposal", due_at=timezone.now() + timedelta(hours=2))
    _task(rep, title="Already done", due_at=timezone.now() + timedelta(hours=2), done=True)
    response = client.get(reverse("calls:calendar_feed", args=[rep.calendar_token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "SUMMARY:Task: Send\\; the\\, proposal" in body
    assert "Already done" not in body
    assert body.count("BEGIN:VEVENT") == body.count("END:VEVENT")


def test_the_home_widget_shows_overdue_and_today(client, rep):
    _task(rep, title="Late one", due_at=timezone.now() - timedelta(hours=1))
    client.force_login(rep)
    body = client.get(reverse("home")).content.decode()
    assert "My tasks" in body and "Late one" in body


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("teammate", False), ("manager", True), ("other_manager", False), ("admin", True)],
)
def test_who_sees_and_changes_a_reps_task(request, api_as, rep, persona, sees):
    task = _task(rep, title="Alice's")
    viewer = request.getfixturevalue(persona)
    api = api_as(viewer)
    response = api.patch(f"/api/v1/tasks/{task.pk}/", {"priority": "high"}, format="json")
    assert response.status_code == (200 if sees else 404)
    task.refresh_from_db()
    assert task.priority == ("high" if sees else "normal")
    assert task.owner == rep


def test_task_events_are_on_the_record_timeline_for_who_may_see_them(client, rep, manager):
    account = AccountFactory(owner=rep)
    task = _task(rep, title="Renewal prep", record_type="account", record_id=account.pk)
    services.task_complete(actor=rep, task=task)
    client.force_login(manager)
    timeline = client.get(account.get_absolute_url()).context["timeline"]
    assert [e.name for e in timeline if e.name.startswith("task.")] == [
        "task.completed",
        "task.created",
    ]
