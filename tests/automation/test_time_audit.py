"""The time audit: opening a period, logging time, the timer, reminders and who sees what."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from automation.audit import services
from automation.audit.models import AuditCategory, RunningTimer, TimeAudit, TimeEntry
from automation.audit.tasks import send_time_audit_reminders_task
from calls.models import Call
from salesproc.models import Notification
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails():
    return AuditCategory.objects.get(name="Writing emails")


@pytest.fixture
def calls_category():
    return AuditCategory.objects.get(name="Customer calls")


@pytest.fixture
def audit(manager, rep, teammate, north):
    today = timezone.localdate()
    return services.audit_open(
        actor=manager, name="North week", starts_on=today - timedelta(days=2), teams=[north]
    )


def test_it_ships_the_ten_default_categories():
    assert AuditCategory.objects.count() == 10
    assert set(AuditCategory.objects.filter(selling=True).values_list("name", flat=True)) == {
        "Prospecting",
        "Customer calls",
        "Customer meetings",
    }


def test_a_manager_opens_a_week_for_their_team(audit, manager, rep, teammate, other_rep):
    assert audit.ends_on == audit.starts_on + timedelta(days=6)
    assert set(audit.participants.values_list("user__username", flat=True)) == {
        "manager",
        "alice",
        "bob",
    }
    assert Notification.objects.filter(
        recipient=rep, key=f"time-audit-opened:{audit.pk}:{rep.pk}"
    ).exists()


def test_a_manager_cannot_open_an_audit_for_another_team(manager, south, api_as):
    response = api_as(manager).post(
        "/api/v1/time-audits/",
        {"name": "South", "starts_on": "2026-12-07", "teams": [south.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "teams" in response.json()
    assert not TimeAudit.objects.exists()


def test_a_rep_cannot_open_an_audit(rep, api_as):
    response = api_as(rep).post(
        "/api/v1/time-audits/", {"name": "Mine", "starts_on": "2026-12-07"}, format="json"
    )
    assert response.status_code == 403
    assert not TimeAudit.objects.exists()


def test_an_admin_opens_an_audit_for_roles(admin, rep, teammate, roles, api_as):
    response = api_as(admin).post(
        "/api/v1/time-audits/",
        {"name": "Inside reps", "starts_on": "2026-12-07", "roles": [roles["inside-rep"].pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["participants"] == 1
    assert response.json()["ends_on"] == "2026-12-13"


def test_bad_audit_periods_get_field_errors(admin, api_as):
    response = api_as(admin).post(
        "/api/v1/time-audits/",
        {"name": "x", "starts_on": "2026-12-07", "ends_on": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()


def test_a_participant_logs_time_over_the_api(audit, rep, emails, api_as):
    response = api_as(rep).post(
        "/api/v1/time-entries/",
        {
            "audit": audit.pk,
            "category": emails.pk,
            "day": str(audit.starts_on),
            "minutes": 45,
            "note": "inbox",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert set(response.json()) >= {"audit", "category", "day", "minutes", "note"}
    assert TimeEntry.objects.get().user == rep


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 2000}, "minutes"),
        ({"day": "2020-01-01"}, "day"),
        ({"category": 999999}, "category"),
        ({"audit": 999999}, "audit"),
    ],
)
def test_bad_time_entries_get_field_errors(audit, rep, emails, api_as, change, field):
    body = {
        "audit": audit.pk,
        "category": emails.pk,
        "day": str(audit.starts_on),
        "minutes": 30,
        **change,
    }
    response = api_as(rep).post("/api/v1/time-entries/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not TimeEntry.objects.exists()


def test_more_than_a_day_on_one_day_is_refused(audit, rep, emails):
    services.time_entry_create(
        actor=rep,
        data={"audit": audit, "category": emails, "day": audit.starts_on, "minutes": 1400},
    )
    with pytest.raises(Exception) as caught:
        services.time_entry_create(
            actor=rep,
            data={"audit": audit, "category": emails, "day": audit.starts_on, "minutes": 60},
        )
    assert "minutes" in caught.value.message_dict
    assert TimeEntry.objects.count() == 1


def test_someone_outside_the_audit_cannot_log(audit, other_rep, emails, api_as):
    response = api_as(other_rep).post(
        "/api/v1/time-entries/",
        {"audit": audit.pk, "category": emails.pk, "day": str(audit.starts_on), "minutes": 30},
        format="json",
    )
    assert response.status_code == 400
    assert not TimeEntry.objects.exists()


def test_entries_are_seen_by_author_manager_and_admin_only(
    audit, rep, teammate, manager, admin, other_manager, emails, api_as
):
    entry = services.time_entry_create(
        actor=rep, data={"audit": audit, "category": emails, "day": audit.starts_on, "minutes": 30}
    )
    for user, status in (
        (rep, 200),
        (manager, 200),
        (admin, 200),
        (teammate, 404),
        (other_manager, 404),
    ):
        assert api_as(user).get(f"/api/v1/time-entries/{entry.pk}/").status_code == status, user
    for user in (teammate, other_manager):
        assert (
            api_as(user)
            .patch(f"/api/v1/time-entries/{entry.pk}/", {"minutes": 99}, format="json")
            .status_code
            == 404
        )
        assert api_as(user).delete(f"/api/v1/time-entries/{entry.pk}/").status_code == 404
    # the manager sees it but does not change it
    assert (
        api_as(manager)
        .patch(f"/api/v1/time-entries/{entry.pk}/", {"minutes": 99}, format="json")
        .status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.minutes == 30
    assert api_as(other_manager).get("/api/v1/time-entries/").json()["count"] == 0


def test_the_timer_survives_a_reload_and_logs_on_stop(audit, rep, emails, client):
    client.force_login(rep)
    week = reverse("automation:audit:week", args=[audit.pk])
    client.post(
        reverse("automation:audit:timer_start", args=[audit.pk]),
        {"category": emails.pk, "note": "replies"},
    )
    RunningTimer.objects.filter(user=rep).update(
        started_at=timezone.now() - timedelta(minutes=25, seconds=10)
    )
    page = client.get(week).content.decode()
    assert "Timer running:" in page
    assert "Writing emails" in page
    response = client.post(reverse("automation:audit:timer_stop"))
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.category, entry.note, entry.day) == (
        26,
        emails,
        "replies",
        timezone.localdate(),
    )
    assert not RunningTimer.objects.exists()


def test_only_one_timer_runs_at_a_time(audit, rep, emails, calls_category):
    services.timer_start(actor=rep, audit=audit, category=emails)
    with pytest.raises(Exception) as caught:
        services.timer_start(actor=rep, audit=audit, category=calls_category)
    assert "category" in caught.value.message_dict
    assert RunningTimer.objects.get().category == emails


def test_the_week_grid_shows_held_calls_beside_logged_time(audit, rep, emails, client):
    services.time_entry_create(
        actor=rep, data={"audit": audit, "category": emails, "day": audit.starts_on, "minutes": 40}
    )
    contact = ContactFactory(owner=rep)
    when = timezone.make_aware(
        timezone.datetime.combine(audit.starts_on, timezone.datetime.min.time())
    ) + timedelta(hours=10)
    Call.objects.create(
        owner=rep,
        contact=contact,
        scheduled_at=when,
        purpose="Demo",
        status=Call.Status.COMPLETED,
        result=Call.Result.HELD,
        completed_at=when,
        duration_minutes=35,
    )
    from automation.audit.selectors import week_grid

    grid = week_grid(user=rep, audit=audit)
    assert grid["call_minutes"][0] == 35
    assert grid["call_total"] == 35
    assert grid["total"] == 40
    client.force_login(rep)
    assert (
        "Held calls in the CRM"
        in client.get(reverse("automation:audit:week", args=[audit.pk])).content.decode()
    )


def test_quick_entry_logs_from_any_page(audit, rep, emails, client):
    client.force_login(rep)
    home = client.get("/").content.decode()
    assert 'data-dialog-url="/automation/audit/log/?next=%2F"' in home
    fragment = client.get(reverse("automation:audit:quick_entry"), HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b'name="minutes"' in fragment.content
    response = client.post(
        reverse("automation:audit:quick_entry"),
        {
            "audit": audit.pk,
            "category": emails.pk,
            "day": str(timezone.localdate()),
            "minutes": 15,
            "next": "/deals/",
        },
    )
    assert response.status_code == 302 and response.url == "/deals/"
    assert TimeEntry.objects.get().minutes == 15


def test_quick_entry_refuses_another_teams_audit(audit, other_rep, emails, client):
    client.force_login(other_rep)
    response = client.post(
        reverse("automation:audit:quick_entry"),
        {"audit": audit.pk, "category": emails.pk, "day": str(timezone.localdate()), "minutes": 15},
    )
    assert response.status_code == 200
    assert not TimeEntry.objects.exists()


def test_another_teams_audit_pages_are_404(audit, other_rep, client):
    client.force_login(other_rep)
    for name in ("week", "report"):
        assert client.get(reverse(f"automation:audit:{name}", args=[audit.pk])).status_code == 404


def test_reminders_go_once_to_those_who_logged_nothing(
    manager, rep, teammate, north, emails, django_capture_on_commit_callbacks
):
    last_day = date(2026, 12, 6)
    audit = services.audit_open(
        actor=manager, name="Week", starts_on=last_day - timedelta(days=6), teams=[north]
    )
    services.time_entry_create(
        actor=rep, data={"audit": audit, "category": emails, "day": audit.starts_on, "minutes": 30}
    )
    assert services.send_reminders(today=last_day - timedelta(days=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(today=last_day) == 2  # bob and the manager, not alice
    assert services.send_reminders(today=last_day) == 0
    assert services.send_reminders(today=last_day + timedelta(days=1)) == 0
    reminders = Notification.objects.filter(key__startswith=f"time-audit-reminder:{audit.pk}:")
    assert set(reminders.values_list("recipient__username", flat=True)) == {"bob", "manager"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([teammate.email, manager.email])


def test_the_reminder_task_is_safe_to_run_twice(manager, rep, north):
    today = timezone.localdate()
    services.audit_open(
        actor=manager, name="Week", starts_on=today - timedelta(days=6), teams=[north]
    )
    assert send_time_audit_reminders_task.delay().get() == 2  # the manager and alice
    assert send_time_audit_reminders_task.delay().get() == 0


def test_an_admin_edits_the_category_list(admin, rep, client):
    client.force_login(rep)
    assert client.get(reverse("automation:audit:category_list")).status_code == 404
    client.force_login(admin)
    response = client.post(
        reverse("automation:audit:category_list"),
        {"name": "Admin paperwork", "automation": "workflows", "order": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    assert AuditCategory.objects.get(name="Admin paperwork").automation == "workflows"
    response = client.post(reverse("automation:audit:category_list"), {"name": "", "order": 5})
    assert response.status_code == 200
    assert AuditCategory.objects.count() == 11


def test_a_forgotten_timer_can_be_discarded(audit, rep, emails, client):
    services.timer_start(actor=rep, audit=audit, category=emails)
    client.force_login(rep)
    response = client.post(reverse("automation:audit:timer_stop"), {"action": "discard"})
    assert response.status_code == 302
    assert not RunningTimer.objects.exists()
    assert not TimeEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_each_participant_once(live_celery_worker, manager, rep, north):
    today = timezone.localdate()
    audit = services.audit_open(
        actor=manager, name="Week", starts_on=today - timedelta(days=6), teams=[north]
    )
    import time

    reminders = Notification.objects.filter(key__startswith=f"time-audit-reminder:{audit.pk}:")
    send_time_audit_reminders_task.delay()
    send_time_audit_reminders_task.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and audit.participants.filter(reminded_at=None).exists():
        time.sleep(0.2)
    time.sleep(1)  # let the second run finish too
    assert not audit.participants.filter(reminded_at=None).exists()
    assert reminders.count() == 2
