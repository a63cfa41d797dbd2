"""Notifications (issue 8, item 10): the page only shows; reading is a POST."""

import pytest

from salesproc.models import Notification
from salesproc.services import notify


@pytest.fixture
def two_unread(rep):
    first = notify(recipient=rep, text="Review waiting for your call", url="/calls/")
    second = notify(recipient=rep, text="Deal Acme has stalled", url="/deals/")
    return first, second


@pytest.mark.django_db
def test_opening_the_page_changes_nothing(client, rep, two_unread):
    client.force_login(rep)

    page = client.get("/notifications/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Review waiting for your call" in html
    assert "Mark all read" in html
    assert Notification.objects.filter(recipient=rep, read_at__isnull=True).count() == 2
    assert client.get("/").context["unread_notifications"] == 2


@pytest.mark.django_db
def test_it_marks_one_notification_read_by_post(client, rep, two_unread):
    first, second = two_unread
    client.force_login(rep)

    response = client.post(f"/notifications/{first.pk}/read/")

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


@pytest.mark.django_db
def test_it_marks_all_read_by_post(client, rep, two_unread):
    client.force_login(rep)

    response = client.post("/notifications/read-all/")

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=rep, read_at__isnull=True).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/notifications/read-all/", "/notifications/1/read/"])
def test_it_rejects_get_on_the_mark_read_actions(client, rep, two_unread, url):
    client.force_login(rep)

    assert client.get(url).status_code == 405
    assert Notification.objects.filter(recipient=rep, read_at__isnull=True).count() == 2


@pytest.mark.django_db
def test_a_user_cannot_mark_another_users_notification(client, rep, teammate, two_unread):
    first, _ = two_unread
    client.force_login(teammate)

    response = client.post(f"/notifications/{first.pk}/read/")

    assert response.status_code == 404
    first.refresh_from_db()
    assert first.read_at is None


@pytest.mark.django_db
def test_the_list_is_a_bounded_number_of_queries(client, rep, django_assert_max_num_queries):
    for n in range(30):
        notify(recipient=rep, text=f"Note {n}")
    client.force_login(rep)

    with django_assert_max_num_queries(6):
        client.get("/notifications/")
