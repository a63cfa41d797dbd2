"""Issue 15 polish: a manager's home shows the team's calls and leads, a rep's their own."""

import copy
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from calls.models import Call
from tests.calls.factories import call_in_status, plan
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def widget(client, user, key):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    found = next(w for w in response.context["widgets"] if w["key"] == key)
    return found["context"], response.content.decode()


def today_at(hour):
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour)))


def call_today(owner, hour, purpose):
    call = plan(owner, purpose=purpose)
    Call.objects.filter(pk=call.pk).update(scheduled_at=today_at(hour))
    return call


def overdue_plan(owner):
    call = plan(owner)
    Call.objects.filter(pk=call.pk).update(scheduled_at=today_at(9) - timedelta(days=3))
    return call


# ---------------------------------------------------------------- calls


def test_a_managers_home_shows_the_teams_calls_today(client, manager, rep, teammate, other_rep):
    call_today(rep, 10, "Alice's discovery")
    call_today(teammate, 11, "Bob's demo")
    call_today(other_rep, 9, "Charlie's call")  # another team
    call_in_status(teammate, Call.Status.COMPLETED)
    call_in_status(other_rep, Call.Status.COMPLETED)
    overdue_plan(rep)
    overdue_plan(other_rep)

    context, page = widget(client, manager, "calls.today")

    assert [c.purpose for c in context["today"]] == ["Alice's discovery", "Bob's demo"]
    assert (context["awaiting_debrief"], context["to_log"]) == (1, 1)
    assert context["team"] is True
    assert "Your team's calls today" in page
    assert f"{rep.display_name} · " in page and f"{teammate.display_name} · " in page
    assert "Charlie" not in page
    assert "No calls today." not in page
    assert "/calls/all/?status=to_debrief" in page and "/calls/all/?status=to_log" in page
    assert "/calls/reviews/" in page


def test_a_managers_empty_team_reads_as_the_team(client, manager):
    context, page = widget(client, manager, "calls.today")

    assert context["today"] == []
    assert "Your team has no calls today." in page
    assert "No calls today." not in page


def test_a_reps_home_keeps_their_own_calls(client, rep, teammate):
    call_today(teammate, 11, "Bob's demo")
    call_in_status(teammate, Call.Status.COMPLETED)

    context, page = widget(client, rep, "calls.today")

    assert context["today"] == [] and context["awaiting_debrief"] == 0
    assert context["reviews_waiting"] is None
    assert "Today's calls" in page and "No calls today." in page
    assert "Bob's demo" not in page
    assert "/calls/#to-debrief" in page


def test_the_tiles_link_to_a_list_filtered_the_same_way(client, manager, rep, other_rep):
    call_in_status(rep, Call.Status.NO_SHOW)
    call_in_status(rep, Call.Status.COMPLETED)
    call_in_status(rep, Call.Status.DEBRIEFED)
    call_in_status(other_rep, Call.Status.COMPLETED)
    late = overdue_plan(rep)
    plan(rep)  # planned, not overdue
    client.force_login(manager)

    debrief = client.get("/calls/all/?status=to_debrief").context["page"].object_list
    log = client.get("/calls/all/?status=to_log").context["page"].object_list

    assert sorted(c.status for c in debrief) == ["completed", "no_show"]
    assert [c.pk for c in log] == [late.pk]


# ---------------------------------------------------------------- leads


def test_a_managers_home_shows_the_teams_leads(client, manager, rep, teammate, other_rep):
    LeadFactory(owner=rep, first_name="Ann", last_name="Low", score=40)
    LeadFactory(owner=teammate, first_name="Ben", last_name="High", score=90, status="working")
    LeadFactory(owner=other_rep, first_name="Cy", last_name="Other", score=99)
    LeadFactory(owner=teammate, first_name="Di", last_name="Done", status="disqualified")

    context, page = widget(client, manager, "leads.to_work")

    assert (context["to_work"], context["new"]) == (2, 1)
    assert [lead.last_name for lead in context["top"]] == ["High", "Low"]
    assert "Your team's leads to work" in page
    assert "· Bob" in page and "· Alice" in page
    assert "Other" not in page
    assert "Add a lead" not in page
    assert "Team's leads →" in page


def test_a_managers_empty_team_has_nothing_waiting(client, manager):
    context, page = widget(client, manager, "leads.to_work")

    assert context["to_work"] == 0
    assert "Nothing waiting for your team." in page
    assert "Add a lead" not in page


def test_a_reps_home_keeps_their_own_leads(client, rep, teammate):
    LeadFactory(owner=teammate, last_name="Bobs", score=90)
    mine = LeadFactory(owner=rep, last_name="Mine", score=10)

    context, page = widget(client, rep, "leads.to_work")

    assert context["to_work"] == 1 and context["top"] == [mine]
    assert "Bobs" not in page
    assert "My leads →" in page


# ---------------------------------------------------------------- query counts


def _copies(obj, n, **changes):
    rows = []
    for _ in range(n):
        row = copy.copy(obj)
        row.pk = row.id = None
        for name, value in changes.items():
            setattr(row, name, value)
        rows.append(row)
    return rows


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_team_home_runs_a_bounded_number_of_queries(
    client, manager, rep, teammate, rows, django_assert_max_num_queries
):
    today = Call.objects.get(pk=call_today(rep, 10, "Today").pk)
    done = call_in_status(teammate, Call.Status.COMPLETED)
    Call.objects.bulk_create(_copies(today, rows // 2, owner=teammate))
    Call.objects.bulk_create(_copies(done, rows // 2, owner=rep))
    lead = LeadFactory(owner=rep, score=50)
    from leads.models import Lead

    Lead.objects.bulk_create(_copies(lead, rows, owner=teammate))
    client.force_login(manager)
    client.get("/")  # warm what is read once per process (registries, settings)

    with django_assert_max_num_queries(30):  # 21 today, the same at 10 and 1,000 rows
        response = client.get("/")

    widgets = {w["key"]: w["context"] for w in response.context["widgets"]}
    assert widgets["leads.to_work"]["to_work"] == rows + 1
    assert len(widgets["leads.to_work"]["top"]) == 5
    assert len(widgets["calls.today"]["today"]) == min(8, rows // 2 + 1)
    assert widgets["calls.today"]["awaiting_debrief"] == rows // 2 + 1
