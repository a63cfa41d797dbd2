"""What the walk through the call pages found: wording, ages, order, links, warnings."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from calls.models import Call

from .factories import call_in_status, plan

pytestmark = pytest.mark.django_db


def test_the_call_header_says_how_the_call_is_held(client, rep):
    call = plan(rep, channel=Call.Channel.IN_PERSON)
    client.force_login(rep)
    page = client.get(call.get_absolute_url()).content.decode()
    assert " in person" in page
    assert "by in person" not in page


def test_ages_under_a_minute_read_as_just_now():
    render = Template("{% load calls %}{{ when|ago }} / {{ when|age }} / {{ old|ago }}").render
    now = timezone.now()
    text = render(Context({"when": now, "old": now - timedelta(hours=3)}))
    assert text == "just now / under a minute / 3 h ago"


def test_the_review_page_belongs_to_the_review_queue(client, manager, debriefed_call):
    client.force_login(manager)
    page = client.get(f"/calls/{debriefed_call.pk}/review/").content.decode()
    current = [chunk for chunk in page.split("<a ") if 'aria-current="page"' in chunk]
    assert current and all("Review queue" in chunk for chunk in current)


def test_reviewed_calls_are_listed_newest_review_first(client, rep, manager):
    older = call_in_status(rep, Call.Status.REVIEWED, reviewer=manager)
    newer = call_in_status(rep, Call.Status.REVIEWED, reviewer=manager)
    Call.objects.filter(pk=older.pk).update(
        reviewed_at=timezone.now() - timedelta(days=3), acknowledged_at=None
    )
    Call.objects.filter(pk=newer.pk).update(
        reviewed_at=timezone.now() - timedelta(hours=1), acknowledged_at=timezone.now()
    )
    client.force_login(rep)
    response = client.get("/calls/")
    assert [c.pk for c in response.context["reviewed"]][:2] == [newer.pk, older.pk]


def test_logging_a_call_hours_before_its_time_warns(client, rep):
    later = plan(rep, when=timezone.now() + timedelta(hours=5))
    soon = plan(rep, when=timezone.now() + timedelta(minutes=5))
    client.force_login(rep)
    assert "from now" in client.get(f"/calls/{later.pk}/log/").content.decode()
    assert "from now" not in client.get(f"/calls/{soon.pk}/log/").content.decode()


def test_the_home_tiles_link_to_the_calls_they_count(client, rep):
    call_in_status(rep, Call.Status.COMPLETED)
    client.force_login(rep)
    page = client.get("/").content.decode()
    assert 'href="/calls/#to-debrief"' in page


def test_a_role_without_lead_qualification_plans_no_call_about_a_lead(client, rep, roles):
    from salesproc.models import SalesRole
    from tests.factories import LeadFactory

    lead = LeadFactory(owner=rep)
    role = SalesRole.objects.create(name="Callers", slug="callers", processes=["calls"])
    rep.role = role
    rep.save()
    client.force_login(rep)
    page = client.get(f"/calls/plan/?lead={lead.pk}").content.decode()
    assert lead.last_name not in page


def test_without_debug_an_unknown_page_is_the_designed_404(client, rep, settings):
    settings.DEBUG = False
    client.force_login(rep)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()
