"""Notification emails leave from a Celery task after commit, once, never in the request."""

import logging
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from salesproc.models import Notification
from salesproc.services import notify
from salesproc.tasks import send_notification_email_task

pytestmark = pytest.mark.django_db


def test_it_emails_from_a_task_once_the_notification_is_committed(
    manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notification = notify(
            recipient=manager, text="A debrief waits for you", url="/calls/1/", email=True
        )
        assert mail.outbox == []  # nothing is sent while the request is still running
    assert len(callbacks) == 1
    with mock.patch.object(send_notification_email_task, "delay") as delay:
        callbacks[0]()
    delay.assert_called_once_with(notification.pk)

    send_notification_email_task.delay(notification.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]
    assert mail.outbox[0].subject == "[salesproc] A debrief waits for you"
    assert "http://127.0.0.1:8000/calls/1/" in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_running_the_email_task_twice_sends_one_email(manager):
    notification = Notification.objects.create(recipient=manager, text="Deal stalled")

    assert send_notification_email_task.delay(notification.pk).get() is True
    assert send_notification_email_task.delay(notification.pk).get() is False

    assert len(mail.outbox) == 1


def test_a_mail_server_error_gives_the_claim_back_and_the_retry_sends_it(manager):
    notification = Notification.objects.create(recipient=manager, text="Deal stalled")
    real_send = mail.send_mail
    failures = []

    def flaky_send(**kwargs):
        if not failures:
            failures.append(1)
            raise ConnectionRefusedError("smtp down")
        return real_send(**kwargs)

    with mock.patch("salesproc.tasks.send_mail", side_effect=flaky_send):
        send_notification_email_task.apply(args=[notification.pk], throw=False)

    assert failures == [1]
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_with_the_broker_down_the_notification_is_kept_and_the_email_is_logged(
    manager, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(send_notification_email_task, "delay", side_effect=OSError("refused")),
        django_capture_on_commit_callbacks(execute=True),
        caplog.at_level(logging.WARNING, logger="salesproc.services"),
    ):
        notification = notify(recipient=manager, text="Deal stalled", email=True)

    assert Notification.objects.get() == notification
    assert mail.outbox == []
    assert f"could not send the email of notification {notification.pk}" in caplog.text


def test_without_email_or_address_nothing_is_enqueued(manager, django_capture_on_commit_callbacks):
    manager.email = ""
    manager.save()
    with (
        mock.patch.object(send_notification_email_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipient=manager, text="No address", email=True)
        notify(recipient=manager, text="In-app only")

    delay.assert_not_called()
    assert Notification.objects.count() == 2
