"""The coaching dashboard's figures, against values worked out by hand."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from calls import services
from calls.models import Call
from calls.selectors import coaching_dashboard, review_queue

from .factories import complete, debrief, plan, review

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _at(days_ago):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _set(call, **fields):
    Call.objects.filter(pk=call.pk).update(**fields)


@pytest.fixture
def team_calls(rep, teammate, manager, other_rep):
    """
    A  alice, held 5 days ago, planned a day ahead; Q1 asked, Q2 not; "Too expensive"
       met and handled well; debriefed 4 h after; reviewed 10 h after the request (4,3,5,2)
    B  alice, held 3 days ago, planned 2 h AFTER the call; Q1 and Q2 not asked;
       "Too expensive" met, not handled well; debriefed 20 h after; review waiting
    C  bob, held 2 days ago, planned ahead; both asked; "Too expensive" did not come up,
       a new "Bad timing" did and was handled well; not debriefed
    D  bob, no-show yesterday
    E  alice, planned for tomorrow (not in the period)
    F  charlie (other team), held 2 days ago (not visible to the manager)
    G  alice, held 40 days ago (outside a 30-day period)
    """
    objections = [{"text": "Too expensive", "planned_response": "Payback"}]
    a = plan(rep, when=_at(5), questions=["Q1", "Q2"], objections=objections)
    too_expensive = a.objections.get().pk
    complete(
        a,
        asked=(True, False),
        objections=[{"id": too_expensive, "encountered": True, "handled_well": True}],
    )
    debrief(a)
    review(
        a,
        manager,
        ratings={"preparation": 4, "questioning": 3, "objection_handling": 5, "next_step": 2},
    )
    _set(
        a,
        created_at=_at(5) - 24 * HOUR,
        debriefed_at=_at(5) + 4 * HOUR,
        review_requested_at=_at(5) + 4 * HOUR,
        reviewed_at=_at(5) + 14 * HOUR,
    )

    b = plan(rep, when=_at(3), questions=["Q1", "Q2"], objections=objections)
    complete(
        b,
        asked=(False, False),
        objections=[{"id": b.objections.get().pk, "encountered": True, "handled_well": False}],
    )
    debrief(b)
    _set(
        b,
        created_at=_at(3) + 2 * HOUR,
        debriefed_at=_at(3) + 20 * HOUR,
        review_requested_at=_at(3) + 20 * HOUR,
    )

    c = plan(teammate, when=_at(2), questions=["Q1", "Q2"], objections=objections)
    complete(
        c,
        asked=(True, True),
        objections=[{"text": "Bad timing", "response_given": "Start small", "handled_well": True}],
    )
    _set(c, created_at=_at(2) - 5 * HOUR)

    d = plan(teammate, when=_at(1))
    services.call_mark_no_show(actor=teammate, call=d)

    plan(rep, when=timezone.now() + timedelta(days=1))
    complete(plan(other_rep, when=_at(2)))
    complete(plan(rep, when=_at(40)))
    return {"a": a, "b": b, "c": c, "d": d}


def test_it_computes_the_team_figures(manager, team_calls):
    figures = coaching_dashboard(user=manager, days=30)

    totals = figures["totals"]
    assert totals["held"] == 3
    assert totals["no_show"] == 1
    assert totals["planned_ahead"] == 2
    assert totals["planned_ahead_share"] == pytest.approx(2 / 3)
    assert totals["debriefed"] == 2
    assert totals["debrief_rate"] == pytest.approx(2 / 3)
    assert totals["debrief_delay_hours"] == 12.0  # (4 h + 20 h) / 2
    assert totals["review_requested"] == 2
    assert totals["reviewed"] == 1
    assert totals["review_delay_hours"] == 10.0
    assert (
        totals["avg_preparation"],
        totals["avg_questioning"],
        totals["avg_objection_handling"],
        totals["avg_next_step"],
    ) == (4.0, 3.0, 5.0, 2.0)


def test_it_computes_the_figures_per_rep(rep, teammate, manager, team_calls):
    rows = {row["owner_id"]: row for row in coaching_dashboard(user=manager, days=30)["reps"]}

    alice, bob = rows[rep.pk], rows[teammate.pk]
    assert set(rows) == {rep.pk, teammate.pk}
    assert (alice["calls"], alice["held"], alice["planned_ahead_share"]) == (2, 2, 0.5)
    assert (alice["debrief_rate"], alice["debrief_delay_hours"]) == (1.0, 12.0)
    assert (alice["reviewed"], alice["review_delay_hours"]) == (1, 10.0)
    assert (bob["calls"], bob["held"], bob["no_show"]) == (2, 1, 1)
    assert (bob["planned_ahead_share"], bob["debrief_rate"], bob["debrief_delay_hours"]) == (
        1.0,
        0.0,
        None,
    )
    assert bob["avg_preparation"] is None


def test_it_ranks_objections_and_how_often_each_was_handled_well(manager, team_calls):
    objections = coaching_dashboard(user=manager, days=30)["objections"]

    assert [(o["label"], o["times"], o["handled"], o["handled_share"]) for o in objections] == [
        ("Too expensive", 2, 1, 0.5),
        ("Bad timing", 1, 1, 1.0),
    ]


def test_it_ranks_the_questions_most_often_skipped(manager, team_calls):
    skipped = coaching_dashboard(user=manager, days=30)["skipped_questions"]

    assert [(q["text"], q["planned"], q["skipped"]) for q in skipped] == [
        ("Q2", 3, 2),
        ("Q1", 3, 1),
    ]
    assert skipped[0]["skipped_share"] == pytest.approx(2 / 3)


def test_it_draws_ratings_per_rep_by_week(rep, manager, team_calls):
    figures = coaching_dashboard(user=manager, days=30)

    assert figures["rating_series"] == [(rep.display_name, [3.5])]
    assert len(figures["week_labels"]) == 1


def test_a_longer_period_and_one_rep(rep, manager, team_calls):
    figures = coaching_dashboard(user=manager, days=90, owner=rep.pk)

    assert figures["totals"]["held"] == 3  # A, B and the call 40 days ago
    assert [row["owner_id"] for row in figures["reps"]] == [rep.pk]


def test_another_manager_sees_only_their_team(other_manager, team_calls):
    figures = coaching_dashboard(user=other_manager, days=30)

    assert figures["totals"]["held"] == 1
    assert figures["objections"] == []


def test_the_review_queue_lists_the_teams_debriefs_oldest_first(
    rep, teammate, manager, other_manager, team_calls
):
    newer = debrief(complete(plan(teammate, when=_at(1))))
    _set(newer, review_requested_at=timezone.now())

    assert list(review_queue(user=manager)) == [team_calls["b"], newer]
    assert list(review_queue(user=other_manager)) == []
    assert list(review_queue(user=rep)) == []
