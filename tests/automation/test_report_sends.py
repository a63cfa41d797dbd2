"""Scheduled report sends: once per period, in the subscriber's time zone, with the data
as CSV and a signed one-click unsubscribe link."""

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from automation.reports import schedule, sending, services
from automation.reports.models import ReportSend, ReportSubscription
from automation.reports.tasks import send_due_report_subscriptions_task
from deals.models import Deal
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def beat(django_capture_on_commit_callbacks):
    """The beat task as it runs in production: outside a transaction, so the sends it
    enqueues on commit run (eagerly) right away."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return send_due_report_subscriptions_task()

    return run


def _stalled(deal, days=60):
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=timezone.now() - timedelta(days=days))


def _subscribe(user, key="deals.stalled", **kwargs):
    fields = {"frequency": "daily", "send_time": time(7, 30), "scope": "mine", **kwargs}
    return services.subscription_create(actor=user, report_key=key, **fields)


def _make_due(subscription, minutes=1):
    ReportSubscription.objects.filter(pk=subscription.pk).update(
        next_send_at=timezone.now() - timedelta(minutes=minutes)
    )


def _csv_of(message):
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "text/csv"
    return name, list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def test_it_sends_once_per_period_when_the_beat_task_runs_twice(rep, beat):
    deal = DealFactory(owner=rep, name="Acme renewal")
    _stalled(deal)
    subscription = _subscribe(rep)
    _make_due(subscription)

    assert beat() == 1
    assert beat() == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [rep.email]
    assert message.subject.startswith("Stalled deals: ")
    name, rows = _csv_of(message)
    assert name.startswith("deals.stalled-") and name.endswith(".csv")
    assert rows[0][0] == "deal" and rows[1][0] == "Acme renewal"
    html = message.alternatives[0][0]
    assert "Acme renewal" in html and "/deals/stalled/" in html
    assert "/automation/reports/unsubscribe/" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    send = ReportSend.objects.get()
    assert (send.status, send.row_count) == (ReportSend.Status.SENT, 1)
    subscription.refresh_from_db()
    assert subscription.next_send_at > timezone.now()
    assert subscription.last_sent_at is not None


def test_it_claims_a_period_once_even_if_the_schedule_did_not_move(rep):
    subscription = _subscribe(rep)
    _make_due(subscription)
    due = ReportSubscription.objects.get().next_send_at
    first = sending.report_send_claim(subscription_id=subscription.pk)
    # a second worker that read the old schedule claims the same period
    ReportSubscription.objects.filter(pk=subscription.pk).update(next_send_at=due)
    second = sending.report_send_claim(subscription_id=subscription.pk)

    assert first is not None and second is None
    assert ReportSend.objects.count() == 1
    assert sending.report_send_deliver(send_id=first) == "sent"
    assert sending.report_send_deliver(send_id=first) == "sent"  # a retried task
    assert len(mail.outbox) == 1


def test_it_does_not_send_a_subscription_not_yet_due_or_paused(rep, beat):
    subscription = _subscribe(rep)
    assert beat() == 0
    _make_due(subscription)
    ReportSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    assert beat() == 0
    assert mail.outbox == []


def test_it_sends_just_mine_or_my_teams_rows(manager, rep, other_rep, beat):
    for owner, name in ((manager, "Mine"), (rep, "Teams"), (other_rep, "Other team")):
        _stalled(DealFactory(owner=owner, name=name))
    mine = _subscribe(manager, scope="mine")
    team = _subscribe(manager, scope="team")
    _make_due(mine)
    _make_due(team)

    beat()

    by_scope = {}
    for message in mail.outbox:
        _, rows = _csv_of(message)
        by_scope["team" if "My team" in message.body else "mine"] = {r[0] for r in rows[1:]}
    assert by_scope == {"mine": {"Mine"}, "team": {"Mine", "Teams"}}


def test_it_fails_a_send_whose_params_the_owner_may_no_longer_see(
    manager, rep, other_manager, beat
):
    subscription = _subscribe(manager, scope="team", params={"owner": rep.pk})
    rep.team = other_manager.team
    rep.save()
    _make_due(subscription)

    beat()

    send = ReportSend.objects.get()
    assert send.status == ReportSend.Status.FAILED
    assert "Rep" in send.error
    assert mail.outbox == []


def test_the_unsubscribe_link_in_the_email_stops_only_that_subscription(client, rep, beat):
    stalled = _subscribe(rep)
    other = _subscribe(rep, key="deals.pipeline")
    _make_due(stalled)
    beat()
    link = re.search(
        r"http://[^/]+(/automation/reports/unsubscribe/[^/\s\"]+/)", mail.outbox[0].body
    )

    page = client.get(link.group(1))  # not logged in
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert ReportSubscription.objects.get(pk=stalled.pk).is_active  # a GET changes nothing
    done = client.post(link.group(1))

    assert done.status_code == 200 and b"Unsubscribed" in done.content
    assert not ReportSubscription.objects.get(pk=stalled.pk).is_active
    assert ReportSubscription.objects.get(pk=other.pk).is_active


def test_a_tampered_unsubscribe_link_is_refused(client, rep):
    subscription = _subscribe(rep)
    token = services.unsubscribe_token(subscription)
    forged = token.replace(str(subscription.pk), str(subscription.pk + 1), 1) + "x"

    assert client.post(f"/automation/reports/unsubscribe/{forged}/").status_code == 404
    assert ReportSubscription.objects.get(pk=subscription.pk).is_active


# -- the schedule, in the subscriber's time zone ---------------------------------------------


@pytest.mark.parametrize(
    ("zone", "expected_utc"),
    [
        ("Europe/Berlin", datetime(2026, 12, 1, 6, 30)),
        ("America/New_York", datetime(2026, 12, 1, 12, 30)),
    ],
)
def test_a_daily_send_is_at_the_local_time_of_the_subscriber(zone, expected_utc):
    after = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    send_at = schedule.next_send_at(
        frequency="daily",
        send_time=time(7, 30),
        weekday=None,
        day_of_month=None,
        zone=ZoneInfo(zone),
        after=after,
    )
    assert send_at.astimezone(UTC).replace(tzinfo=None) == expected_utc


def test_weekly_and_monthly_sends_fall_on_their_day_and_across_a_clock_change():
    berlin = ZoneInfo("Europe/Berlin")
    after = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # a Wednesday
    weekly = schedule.next_send_at(
        frequency="weekly",
        send_time=time(9, 0),
        weekday=0,
        day_of_month=None,
        zone=berlin,
        after=after,
    )
    monthly = schedule.next_send_at(
        frequency="monthly",
        send_time=time(9, 0),
        weekday=None,
        day_of_month=1,
        zone=berlin,
        after=after,
    )
    summer = schedule.next_send_at(
        frequency="daily",
        send_time=time(7, 30),
        weekday=None,
        day_of_month=None,
        zone=berlin,
        after=datetime(2027, 3, 28, 0, 0, tzinfo=UTC),  # the night clocks go forward
    )
    assert weekly.astimezone(UTC) == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert monthly.astimezone(UTC) == datetime(2027, 1, 1, 8, 0, tzinfo=UTC)
    assert summer.astimezone(UTC) == datetime(2027, 3, 28, 5, 30, tzinfo=UTC)
    assert schedule.period_of(frequency="weekly", moment=weekly, zone=berlin) == "2026-W50"
    assert schedule.period_of(frequency="monthly", moment=monthly, zone=berlin) == "2027-01"


def test_the_period_is_the_subscribers_local_day():
    # 23:30 UTC on 1 Dec is already 2 Dec in Berlin, still 1 Dec in New York
    moment = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert (
        schedule.period_of(frequency="daily", moment=moment, zone=ZoneInfo("Europe/Berlin"))
        == "2026-12-02"
    )
    assert (
        schedule.period_of(frequency="daily", moment=moment, zone=ZoneInfo("America/New_York"))
        == "2026-12-01"
    )


def test_a_subscription_is_scheduled_in_its_owners_time_zone(rep):
    rep.time_zone = "Asia/Tokyo"
    rep.save()
    now = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
    subscription = _subscribe(rep, send_time=time(8, 0), now=now)
    # 08:00 Tokyo has passed today: tomorrow's, 23:00 UTC on 1 Dec
    assert subscription.next_send_at == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert subscription.starts_on == date(2026, 12, 1)
