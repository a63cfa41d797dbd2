"""Notifications people steer: a channel per kind, the daily digest once, mark read
(page and API), and the senders wired to their kind."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from salesproc.models import DigestSend, Notification, NotificationPreference
from salesproc.notifications import services
from salesproc.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_email(rep):
    rep.email = "alice@example.test"
    rep.save()
    return rep


def test_a_kind_set_to_email_sends_an_email(with_email, django_capture_on_commit_callbacks):
    services.preference_set(actor=with_email, kind="lead_assigned", channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=with_email, text="New lead: Ana", kind="lead_assigned")
        notify(recipient=with_email, text="Task due: call", kind="task_due")  # in-app default
    assert [m.subject for m in mail.outbox] == ["[salesproc] New lead: Ana"]


def test_in_app_only_overrides_a_sender_that_asks_for_email(
    with_email, django_capture_on_commit_callbacks
):
    services.preference_set(actor=with_email, kind="review_done", channel="in_app")
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(recipient=with_email, text="Reviewed", kind="review_done", email=True)
    assert n.channel == "in_app" and mail.outbox == []


def test_the_digest_is_sent_once_per_person_per_day(with_email, django_capture_on_commit_callbacks):
    services.preference_set(actor=with_email, kind="mention", channel="digest")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            notify(recipient=with_email, text=f"Mentioned {n}", kind="mention")
    assert mail.outbox == []  # nothing at once
    from salesproc.notifications.tasks import send_daily_digests_task

    send_daily_digests_task.delay().get()
    send_daily_digests_task.delay().get()  # the beat fires twice: still one digest
    assert services.digest_send(user_id=with_email.pk, day=timezone.localdate()) is False
    assert len(mail.outbox) == 1
    assert "3 notifications" in mail.outbox[0].subject
    assert all(f"Mentioned {n}" in mail.outbox[0].body for n in range(3))
    assert DigestSend.objects.get().count == 3
    assert not Notification.objects.filter(digested_at__isnull=True, channel="digest").exists()


def test_the_next_day_digest_holds_only_the_new_ones(with_email):
    services.preference_set(actor=with_email, kind="mention", channel="digest")
    notify(recipient=with_email, text="Day one", kind="mention")
    assert services.digest_send(user_id=with_email.pk, day=date(2026, 12, 1))
    notify(recipient=with_email, text="Day two", kind="mention")
    assert services.digest_send(user_id=with_email.pk, day=date(2026, 12, 2))
    assert "Day one" not in mail.outbox[1].body and "Day two" in mail.outbox[1].body
    assert services.digest_send(user_id=with_email.pk, day=date(2026, 12, 3)) is False


def test_a_failed_digest_gives_its_claim_back(with_email, settings):
    settings.EMAIL_BACKEND = "tests.salesproc.test_notification_preferences.BrokenBackend"
    services.preference_set(actor=with_email, kind="mention", channel="digest")
    notify(recipient=with_email, text="Hello", kind="mention")
    with pytest.raises(OSError):
        services.digest_send(user_id=with_email.pk)
    assert not DigestSend.objects.exists()
    assert Notification.objects.get().digested_at is None


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


def test_the_preferences_page_saves_and_refuses_bad_input(client, rep):
    client.force_login(rep)
    page = client.get(reverse("notification_preferences"))
    assert page.status_code == 200 and "A task of mine is due" in page.content.decode()
    choices = {row["kind"]: row["channel"] for row in services.preferences_for(user=rep)}
    choices["task_due"] = "email"
    assert client.post(reverse("notification_preferences"), choices).status_code == 302
    assert NotificationPreference.objects.get(user=rep, kind="task_due").channel == "email"
    bad = client.post(reverse("notification_preferences"), {**choices, "mention": "pigeon"})
    assert bad.status_code == 400
    assert NotificationPreference.objects.get(user=rep, kind="mention").channel == "email"


def test_the_preferences_api(api_as, rep, teammate):
    api = api_as(rep)
    listed = api.get("/api/v1/notification-preferences/").json()
    assert {row["kind"] for row in listed} >= {"lead_assigned", "mention", "task_due"}
    response = api.patch(
        "/api/v1/notification-preferences/mention/", {"channel": "digest"}, format="json"
    )
    assert response.status_code == 200 and response.json()["channel"] == "digest"
    bad = api.patch("/api/v1/notification-preferences/mention/", {"channel": "fax"}, format="json")
    assert bad.status_code == 400 and "channel" in bad.json()
    unknown = api.put(
        "/api/v1/notification-preferences/weather/", {"channel": "email"}, format="json"
    )
    assert unknown.status_code == 400 and "kind" in unknown.json()
    assert not NotificationPreference.objects.filter(user=teammate).exists()


def test_the_api_lists_and_marks_read_only_my_notifications(api_as, rep, other_rep):
    mine = notify(recipient=rep, text="Mine")
    notify(recipient=rep, text="Mine too")
    theirs = notify(recipient=other_rep, text="Theirs")
    api = api_as(rep)
    assert [n["text"] for n in api.get("/api/v1/notifications/").json()["results"]] == [
        "Mine too",
        "Mine",
    ]
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post(f"/api/v1/notifications/{mine.pk}/read/").json() == {"marked": 1}
    assert [n["text"] for n in api.get("/api/v1/notifications/?unread=true").json()["results"]] == [
        "Mine too"
    ]
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_notifications_page_query_count_is_bounded(
    client, rep, rows, django_assert_max_num_queries
):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(recipient=rep, text=f"N {n}", created_at=now - timedelta(minutes=n))
        for n in range(rows)
    )
    client.force_login(rep)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert len(response.context["notifications"]) == min(rows, 50)
    assert response.context["has_next"] is (rows > 50)


def test_a_lead_given_by_someone_else_notifies_its_owner_with_its_kind(
    manager, rep, django_capture_on_commit_callbacks
):
    from leads.services import lead_create

    with django_capture_on_commit_callbacks(execute=True):
        lead_create(
            actor=manager,
            owner=rep,
            data={"first_name": "Ana", "last_name": "Lima", "email": "ana@lima.test"},
        )
        lead_create(
            actor=rep,
            owner=rep,
            data={"first_name": "Own", "last_name": "Lead", "email": "own@lead.test"},
        )
    notification = Notification.objects.get(recipient=rep, kind="lead_assigned")
    assert "Ana Lima" in notification.text


def test_a_lead_handed_to_a_teammate_notifies_the_new_owner_once(
    manager, rep, teammate, django_capture_on_commit_callbacks
):
    from leads.services import lead_create, lead_update

    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_create(
            actor=rep,
            owner=rep,
            data={"first_name": "Ana", "last_name": "Lima", "email": "a@l.test"},
        )
        lead_update(actor=manager, lead=lead, data={"owner": teammate})
        lead_update(actor=manager, lead=lead, data={"job_title": "CFO"})
    assert Notification.objects.filter(kind="lead_assigned").count() == 1
    assert Notification.objects.get(kind="lead_assigned").recipient == teammate
