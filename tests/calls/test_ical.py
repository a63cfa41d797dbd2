"""The private iCalendar feed of planned calls (RFC 5545) and its revocable address."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from calls import services
from calls.ical import escape_text, fold
from calls.models import Call

from .factories import call_in_status, plan

pytestmark = pytest.mark.django_db


def _unfold(body):
    return body.replace("\r\n ", "")


def test_it_serves_the_planned_calls_as_a_valid_vcalendar(client, rep, teammate):
    when = timezone.now().replace(microsecond=0) + timedelta(days=2)
    planned = plan(rep, when=when, purpose="Budget, timing; and more")
    call_in_status(rep, Call.Status.CANCELLED)
    call_in_status(rep, Call.Status.COMPLETED)
    plan(teammate)
    token = services.calendar_token_regenerate(actor=rep)

    response = client.get(f"/calls/calendar/{token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends in CRLF
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = _unfold(body)
    assert unfolded.count("BEGIN:VEVENT") == 1
    assert f"UID:call-{planned.pk}@" in unfolded
    start = when.astimezone(UTC)
    assert "DTSTART:" + start.strftime("%Y%m%dT%H%M%SZ") in unfolded
    assert "DTEND:" + (start + timedelta(minutes=30)).strftime("%Y%m%dT%H%M%SZ") in unfolded
    assert "Purpose: Budget\\, timing\\; and more" in unfolded
    assert f"URL:http://testserver/calls/{planned.pk}/" in unfolded


def test_it_is_404_without_a_valid_token(client, rep):
    plan(rep)

    assert client.get("/calls/calendar/not-a-real-token-at-all-123.ics").status_code == 404
    assert client.get("/calls/calendar/x.ics").status_code == 404


def test_revoking_or_renewing_the_address_closes_the_old_one(client, rep):
    plan(rep)
    old = services.calendar_token_regenerate(actor=rep)
    new = services.calendar_token_regenerate(actor=rep)

    assert client.get(f"/calls/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calls/calendar/{new}.ics").status_code == 200
    services.calendar_token_revoke(actor=rep)
    assert client.get(f"/calls/calendar/{new}.ics").status_code == 404


def test_the_calendar_page_turns_the_feed_on_and_off(client, rep):
    client.force_login(rep)

    client.post("/calls/calendar/", {"action": "regenerate"})
    rep.refresh_from_db()
    token = rep.calendar_token
    page = client.get("/calls/calendar/").content.decode()
    client.post("/calls/calendar/", {"action": "revoke"})
    rep.refresh_from_db()

    assert len(token) >= 40
    assert f"/calls/calendar/{token}.ics" in page
    assert rep.calendar_token == ""


def test_it_escapes_and_folds_text_as_rfc_5545_says():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "é" * 80
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
