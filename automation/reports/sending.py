"""Sending due subscriptions: claim one send per subscription and period, then build the
email (a summary table, a link to the live page, the full data as CSV) and send it."""

import itertools
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from salesproc.csvfile import csv_text, safe_filename
from salesproc.events import record_event
from salesproc.exports import cell

from . import schedule, services
from .models import ReportSend, ReportSubscription

log = logging.getLogger(__name__)

SUMMARY_ROWS = 10


def due_subscription_ids(*, now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        ReportSubscription.objects.filter(is_active=True, next_send_at__lte=now)
        .order_by("next_send_at", "id")
        .values_list("id", flat=True)
    )


def report_send_claim(*, subscription_id: int, now=None) -> int | None:
    """Claim the send of a due subscription for its period and move its next send on.

    Returns the new send's id, or None when it is not due or its period was claimed
    already (a second beat run, a retried task): the unique (subscription, period) row
    is the claim. Missed periods (beat down for days) are not made up: one send, now.
    """
    now = now or timezone.now()
    with transaction.atomic():
        subscription = (
            ReportSubscription.objects.select_for_update()
            .select_related("owner")
            .filter(pk=subscription_id, is_active=True, next_send_at__lte=now)
            .first()
        )
        if subscription is None:
            return None
        zone = subscription.owner.zone
        period = schedule.period_of(
            frequency=subscription.frequency, moment=subscription.next_send_at, zone=zone
        )
        subscription.next_send_at = schedule.next_send_at(
            frequency=subscription.frequency,
            send_time=subscription.send_time,
            weekday=subscription.weekday,
            day_of_month=subscription.day_of_month,
            zone=zone,
            after=max(now, subscription.next_send_at),
        )
        subscription.save(update_fields=["next_send_at"])
        try:
            with transaction.atomic():
                send = ReportSend.objects.create(subscription=subscription, period=period)
        except IntegrityError:
            return None
        return send.pk


def _live_url(item, params) -> str:
    try:
        path = reverse(item.url_name) if item.url_name else reverse("automation:reports:list")
    except NoReverseMatch:
        path = reverse("automation:reports:list")
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{settings.SITE_URL}{path}{'?' + query if query else ''}"


def build_email(*, subscription: ReportSubscription, send: ReportSend):
    """The email of one send, and how many rows it carries; ValidationError when the
    report can no longer run for its owner (removed, or a param they may not see now)."""
    owner = subscription.owner
    item = services.report_for_user(user=owner, key=subscription.report_key)
    if item is None:
        raise ValidationError("This report is no longer available to you.")
    params = services.scoped_params(
        item=item,
        user=owner,
        params=services.check_params(user=owner, item=item, params=subscription.params),
        scope=subscription.scope,
    )
    columns, rows = services.run_report(item=item, user=owner, params=params)
    rows = [[cell(value) for value in row] for row in rows]  # an email carries them all
    if item.summary is not None:
        summary_columns, summary = item.summary(user=owner, params=params)
        summary = list(itertools.islice(summary, SUMMARY_ROWS))
    else:
        summary_columns, summary = columns, rows[:SUMMARY_ROWS]
    token = services.unsubscribe_token(subscription)
    unsubscribe_url = settings.SITE_URL + reverse("automation:reports:unsubscribe", args=[token])
    context = {
        "item": item,
        "subscription": subscription,
        "period": send.period,
        "columns": summary_columns,
        "summary": summary,
        "row_count": len(rows),
        "more": max(len(rows) - len(summary), 0) if item.summary is None else 0,
        "live_url": _live_url(item, params),
        "unsubscribe_url": unsubscribe_url,
        "manage_url": settings.SITE_URL + reverse("automation:reports:list"),
        "scope": subscription.get_scope_display(),
    }
    subject = f"{item.title}: {send.period}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("automation/reports/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[owner.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("automation/reports/email.html", context), "text/html"
    )
    message.attach(
        safe_filename(f"{item.key}-{send.period}", ".csv"),
        "\ufeff" + csv_text([columns, *rows]),
        "text/csv",
    )
    return message, len(rows)


def report_send_deliver(*, send_id: int) -> str:
    """Send a claimed send's email once; returns its status. A report that cannot run
    any more fails for good (recorded); a mail server error is raised for a retry."""
    send = (
        ReportSend.objects.select_related("subscription", "subscription__owner")
        .filter(pk=send_id)
        .first()
    )
    if send is None or send.status != ReportSend.Status.CLAIMED:
        return send.status if send else "missing"
    subscription = send.subscription
    if not subscription.owner.email or not subscription.owner.is_active:
        return _finish(send, ReportSend.Status.FAILED, error="The subscriber has no email address.")
    try:
        message, row_count = build_email(subscription=subscription, send=send)
    except ValidationError as error:
        return _finish(send, ReportSend.Status.FAILED, error=" ".join(error.messages))
    # claimed → sent by a conditional update after the mail left: a retry after a crash
    # between the two may send again (at least once); nothing sends it twice otherwise
    message.send()
    return _finish(send, ReportSend.Status.SENT, row_count=row_count)


def _finish(send, status, *, row_count=0, error=""):
    now = timezone.now()
    with transaction.atomic():
        updated = ReportSend.objects.filter(pk=send.pk, status=ReportSend.Status.CLAIMED).update(
            status=status, row_count=row_count, error=error[:300], sent_at=now
        )
        if updated and status == ReportSend.Status.SENT:
            ReportSubscription.objects.filter(pk=send.subscription_id).update(last_sent_at=now)
        if updated:
            record_event(
                subject=send.subscription,
                name=f"report_subscription.{status}",
                summary=f"{send.subscription.report_key} for {send.period}: {status}"
                + (f" ({error})" if error else ""),
                data={"period": send.period, "rows": row_count, "error": error[:300]},
            )
    return status
