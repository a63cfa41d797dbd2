"""Celery tasks of scheduled reports: the beat sweep claims due sends, one task per send."""

import logging
import smtplib

from celery import shared_task
from django.db import transaction

from . import sending

log = logging.getLogger(__name__)


@shared_task
def send_due_report_subscriptions_task():
    """Every few minutes: claim each due subscription's send for its period (once), then
    send it in its own task. Safe to run twice: the second run claims nothing."""
    claimed = []
    for subscription_id in sending.due_subscription_ids():
        send_id = sending.report_send_claim(subscription_id=subscription_id)
        if send_id is not None:
            claimed.append(send_id)
    for send_id in claimed:
        transaction.on_commit(lambda send_id=send_id: _enqueue(send_id))
    return len(claimed)


def _enqueue(send_id):
    try:
        deliver_report_send_task.delay(send_id)
    except Exception:  # broker down: the claim stays "sending"; logged
        log.warning("could not enqueue report send %s", send_id, exc_info=True)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def deliver_report_send_task(send_id):
    return sending.report_send_deliver(send_id=send_id)
