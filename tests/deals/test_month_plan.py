"""The month plan: figures against hand-computed values, snapshots for past weeks,
the input needed, edge cases, API and page."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from deals import periods
from deals.reporting import month_plan as month_plan_module
from deals.reporting import selectors
from tests.factories import RoleFactory, UserFactory

from .report_factories import lost_deal, open_deal, quota, snapshot, won_deal

JUNE = date(2025, 6, 1)
TODAY = date(2025, 6, 18)  # a Wednesday in the fourth week of June 2025


def test_it_splits_a_month_into_monday_weeks_clipped_to_the_month():
    # June 2025 starts on a Sunday and ends on a Monday
    weeks = periods.weeks_of_month(JUNE)

    assert [(w.start.day, w.end.day) for w in weeks] == [
        (1, 1),
        (2, 8),
        (9, 15),
        (16, 22),
        (23, 29),
        (30, 30),
    ]
    assert [w.monday for w in weeks[:2]] == [date(2025, 5, 26), date(2025, 6, 2)]
    assert [w.label for w in weeks[:2]] == ["1 Jun", "2–8 Jun"]
    # September 2025 starts on a Monday: five weeks, the last clipped to the 29-30th
    assert [(w.start.day, w.end.day) for w in periods.weeks_of_month(date(2025, 9, 1))] == [
        (1, 7),
        (8, 14),
        (15, 21),
        (22, 28),
        (29, 30),
    ]


@pytest.mark.parametrize("bad", ["2025-13", "2025-6", "June", "", "2025-06-01", "1999-01"])
def test_it_refuses_a_badly_written_month(bad):
    with pytest.raises(ValidationError) as error:
        periods.parse_month(bad)
    assert "month" in error.value.message_dict


@pytest.fixture
def june(rep, teammate):
    """Alice's June 2025, hand-computed in the test below."""
    quota(rep, JUNE, 100_000)
    quota(teammate, JUNE, 50_000)
    # history, Dec 2024 - May 2025: 3 won (avg 20,000), 5 lost -> win rate 3/8
    won_deal(rep, 20_000, closed=date(2024, 12, 10))
    won_deal(rep, 30_000, closed=date(2025, 3, 3))
    won_deal(rep, 10_000, closed=date(2025, 5, 31))
    for day in (
        date(2024, 12, 1),
        date(2025, 1, 9),
        date(2025, 2, 2),
        date(2025, 4, 4),
        date(2025, 5, 5),
    ):
        lost_deal(rep, 5_000, closed=day)
    # outside the window: ignored by the win rate
    won_deal(rep, 90_000, closed=date(2024, 11, 30))
    lost_deal(rep, 1_000, closed=date(2025, 6, 10))
    # won in June: week 2 and week 4 (the current one)
    w1 = won_deal(rep, 10_000, closed=date(2025, 6, 3))
    won_deal(rep, 15_000, closed=date(2025, 6, 17))
    # open deals expected to close in June
    o1 = open_deal(rep, 40_000, stage_name="Proposal", close=date(2025, 6, 20))  # 50%
    open_deal(rep, 8_000, stage_name="Negotiation", close=date(2025, 6, 27))  # 75%
    open_deal(rep, 50_000, stage_name="Prospecting", close=date(2025, 6, 30))  # 10%
    o4 = open_deal(rep, 12_000, stage_name="Discovery", close=date(2025, 6, 5))  # 25%, slipped
    open_deal(rep, 99_000, stage_name="Negotiation", close=date(2025, 7, 2))  # July
    # Bob's: only in the team's plan
    won_deal(teammate, 5_000, closed=date(2025, 6, 4))
    bob_open = open_deal(teammate, 20_000, stage_name="Proposal", close=date(2025, 6, 25))
    # snapshots: none on Mon 26 May; Mon 2 Jun and Mon 9 Jun as the pipeline stood then
    snapshot(o4, date(2025, 6, 2), stage_name="Discovery", amount=12_000, close=date(2025, 6, 5))
    snapshot(w1, date(2025, 6, 2), stage_name="Proposal", amount=10_000, close=date(2025, 6, 4))
    snapshot(o1, date(2025, 6, 2), stage_name="Discovery", amount=40_000, close=date(2025, 6, 20))
    snapshot(o1, date(2025, 6, 9), stage_name="Proposal", amount=40_000, close=date(2025, 6, 20))
    snapshot(
        bob_open, date(2025, 6, 9), stage_name="Proposal", amount=20_000, close=date(2025, 6, 11)
    )
    return {"o1": o1, "o4": o4}


def _week(plan, index):
    return plan.weeks[index - 1]


@pytest.mark.django_db
def test_it_computes_the_month_plan_of_a_rep(rep, june):
    plan = selectors.month_plan(user=rep, month="2025-06", today=TODAY)

    assert plan.quota == Decimal("100000.00")
    assert (plan.won_count, plan.won_amount) == (2, Decimal("25000.00"))
    assert plan.gap == Decimal("75000.00")
    assert plan.attainment == Decimal("0.25")
    assert (plan.open_count, plan.open_amount) == (4, Decimal("110000.00"))
    # 40,000x50% + 8,000x75% + 50,000x10% + 12,000x25%
    assert plan.weighted_amount == Decimal("34000.00")
    assert plan.projected_amount == Decimal("59000.00")
    assert plan.overdue_count == 1
    assert plan.win_rate.rate == Decimal("0.375")
    assert (plan.win_rate.won, plan.win_rate.closed) == (3, 8)
    assert plan.win_rate.basis == "count"
    assert (plan.win_rate.window_start, plan.win_rate.window_end) == (
        date(2024, 12, 1),
        date(2025, 5, 31),
    )
    assert plan.average_won_amount == Decimal("20000.00")
    # 75,000 / 0.375 = 200,000 of pipeline = 10 deals of 20,000; 4 wins close the gap
    assert plan.pipeline_to_create == Decimal("200000.00")
    assert plan.deals_to_create == 10
    assert plan.deals_to_win == 4
    assert plan.input_note == ""


@pytest.mark.django_db
def test_it_reads_past_weeks_from_snapshots_and_later_weeks_from_live_deals(rep, june):
    plan = selectors.month_plan(user=rep, month=JUNE, today=TODAY)

    assert [w.state for w in plan.weeks] == [
        "past",
        "past",
        "past",
        "current",
        "future",
        "future",
    ]
    assert [w.source for w in plan.weeks] == [
        "missing",
        "snapshot",
        "snapshot",
        "live",
        "live",
        "live",
    ]
    first = _week(plan, 1)
    assert (first.expected_amount, first.weighted_amount) == (None, None)
    assert (first.won_to_date, first.gap_after) == (Decimal("0.00"), Decimal("100000.00"))
    # week 2 as it stood on Monday 2 June: o4 (Discovery) and the deal won since (Proposal)
    second = _week(plan, 2)
    assert second.snapshot_week == date(2025, 6, 2)
    assert (second.expected_count, second.expected_amount) == (2, Decimal("22000.00"))
    assert second.weighted_amount == Decimal("8000.00")  # 12,000x25% + 10,000x50%
    assert second.rest_of_month_weighted == Decimal("18000.00")  # + 40,000x25%
    assert (second.won_count, second.won_amount) == (1, Decimal("10000.00"))
    assert (second.won_to_date, second.gap_after) == (
        Decimal("10000.00"),
        Decimal("90000.00"),
    )
    # week 3: nothing of Alice's due that week; o1 in Proposal for later; Bob's row not hers
    third = _week(plan, 3)
    assert (third.expected_count, third.expected_amount) == (0, Decimal("0.00"))
    assert third.rest_of_month_weighted == Decimal("20000.00")
    # the current week is live: o1 now, 15,000 won this week
    current = _week(plan, 4)
    assert (current.expected_count, current.expected_amount) == (1, Decimal("40000.00"))
    assert current.weighted_amount == Decimal("20000.00")
    assert current.rest_of_month_weighted == Decimal("31000.00")
    assert (current.won_to_date, current.gap_after) == (
        Decimal("25000.00"),
        Decimal("75000.00"),
    )
    # projection: won 25,000 + slipped o4 3,000 + this week's 20,000, then 6,000 and 5,000
    assert [w.projected_won for w in plan.weeks] == [
        None,
        None,
        None,
        Decimal("48000.00"),
        Decimal("54000.00"),
        Decimal("59000.00"),
    ]
    assert (_week(plan, 5).won_to_date, _week(plan, 5).gap_after) == (None, None)


@pytest.mark.django_db
def test_it_does_not_recompute_a_past_week_when_deals_change_later(rep, june):
    # given o1 moves on and grows after the 9 June snapshot
    from deals.models import Deal

    Deal.objects.filter(pk=june["o1"].pk).update(amount=Decimal("80000"))

    plan = selectors.month_plan(user=rep, month=JUNE, today=TODAY)

    # then the past week still shows what the pipeline was then
    assert _week(plan, 3).rest_of_month_weighted == Decimal("20000.00")
    assert _week(plan, 4).weighted_amount == Decimal("40000.00")


@pytest.mark.django_db
def test_it_plans_the_whole_team_for_a_manager_and_one_rep_on_request(manager, rep, teammate, june):
    team = selectors.month_plan(user=manager, month=JUNE, today=TODAY)
    alice = selectors.month_plan(user=manager, month=JUNE, owner=rep.pk, today=TODAY)

    assert (team.quota, team.won_amount, team.gap) == (
        Decimal("150000.00"),
        Decimal("30000.00"),
        Decimal("120000.00"),
    )
    assert team.weighted_amount == Decimal("44000.00")  # + Bob's 20,000 x 50%
    assert _week(team, 3).expected_amount == Decimal("20000.00")  # Bob's, as of 9 June
    assert team.scope_label == "Your team"
    assert (alice.quota, alice.won_amount) == (Decimal("100000.00"), Decimal("25000.00"))
    assert alice.scope_label == rep.display_name


@pytest.mark.django_db
def test_it_refuses_an_owner_the_user_cannot_see(rep, teammate, other_rep, manager):
    with pytest.raises(ValidationError) as error:
        selectors.month_plan(user=manager, month=JUNE, owner=other_rep.pk, today=TODAY)
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError):
        selectors.month_plan(user=rep, month=JUNE, owner=teammate.pk, today=TODAY)


@pytest.mark.django_db
def test_it_explains_a_zero_win_rate_instead_of_dividing_by_it(rep):
    quota(rep, JUNE, 10_000)
    lost_deal(rep, 5_000, closed=date(2025, 3, 3))
    lost_deal(rep, 5_000, closed=date(2025, 4, 3))

    plan = selectors.month_plan(user=rep, month=JUNE, today=TODAY)

    assert plan.win_rate.rate == Decimal("0")
    assert plan.gap == Decimal("10000.00")
    assert (plan.pipeline_to_create, plan.deals_to_create, plan.deals_to_win) == (
        None,
        None,
        None,
    )
    assert "0% win rate" in plan.input_note


@pytest.mark.django_db
def test_it_copes_with_no_history_and_no_quota(rep):
    plan = selectors.month_plan(user=rep, month=JUNE, today=TODAY)

    assert (plan.quota, plan.gap, plan.attainment) == (None, None, None)
    assert plan.win_rate.rate is None
    assert plan.pipeline_to_create is None
    assert "No quota" in plan.input_note
    assert all(w.gap_after is None for w in plan.weeks)


@pytest.mark.django_db
def test_it_needs_no_pipeline_when_the_quota_is_zero_or_reached(rep, teammate):
    quota(rep, JUNE, 0)
    quota(teammate, JUNE, 10_000)
    won_deal(teammate, 12_000, closed=date(2025, 6, 2))

    zero = selectors.month_plan(user=rep, month=JUNE, today=TODAY)
    beaten = selectors.month_plan(user=teammate, month=JUNE, today=TODAY)

    assert (zero.quota, zero.gap, zero.attainment) == (
        Decimal("0.00"),
        Decimal("0.00"),
        None,
    )
    assert (zero.pipeline_to_create, zero.deals_to_create) == (Decimal("0"), 0)
    assert beaten.gap == Decimal("0.00")
    assert beaten.over_quota == Decimal("2000.00")
    assert beaten.attainment == Decimal("1.2")
    assert "reached" in beaten.input_note


@pytest.mark.django_db
def test_it_lists_the_deals_of_each_week(rep, june):
    deals = selectors.month_plan_deals(user=rep, month=JUNE, today=TODAY)

    week2 = deals["weeks"][2]
    assert sorted((d["amount"], d["status"], d["as_of"]) for d in week2["expected"]) == [
        (Decimal("10000.00"), "won", date(2025, 6, 2)),
        (Decimal("12000.00"), "open", date(2025, 6, 2)),
    ]
    # won that week and expected in its snapshot: listed once, as expected -> won
    assert week2["won"] == []
    assert [d["amount"] for d in deals["weeks"][4]["expected"]] == [Decimal("40000.00")]
    assert [d["amount"] for d in deals["weeks"][4]["won"]] == [Decimal("15000.00")]
    assert [d["amount"] for d in deals["overdue"]] == [Decimal("12000.00")]
    assert deals["truncated"] is False


# -- API ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_serves_the_month_plan_over_the_api(api_as, rep, june):
    response = api_as(rep).get("/api/v1/reports/month-plan/", {"month": "2025-06"})

    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2025-06"
    assert body["quota"] == "100000.00"
    assert body["won_amount"] == "25000.00"
    assert body["win_rate"]["basis"] == "count"
    assert len(body["weeks"]) == 6
    assert body["weeks"][1]["source"] in {"snapshot", "live"}
    assert "deals_expected" in body["weeks"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [({"month": "2025-13"}, "month"), ({"month": "soon"}, "month"), ({"owner": "x"}, "owner")],
)
def test_it_answers_400_to_bad_month_plan_input(api_as, rep, params, field):
    response = api_as(rep).get("/api/v1/reports/month-plan/", params)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_it_answers_400_for_an_owner_outside_the_callers_view(api_as, manager, other_rep):
    response = api_as(manager).get("/api/v1/reports/month-plan/", {"owner": other_rep.pk})

    assert response.status_code == 400
    assert response.json() == {"owner": ["No such rep among the people you can see."]}


@pytest.mark.django_db
def test_it_keeps_the_month_plan_from_roles_without_deal_management(api_as, client, roles):
    role = RoleFactory(slug="calls-only", name="Calls only", processes=["calls"])
    caller = UserFactory(username="caller", role=role)

    assert api_as(caller).get("/api/v1/reports/month-plan/").status_code == 403
    client.force_login(caller)
    assert client.get(reverse("deals:month_plan")).status_code == 403


# -- page --------------------------------------------------------------------------------


def _this_month_data(owner, n):
    today = timezone.localdate()
    first = today.replace(day=1)
    quota(owner, first, 60_000)
    for i in range(n):
        open_deal(owner, 1_000 + i, stage_name="Proposal", close=first.replace(day=min(28, 1 + i)))
        won_deal(owner, 2_000, closed=first)


@pytest.mark.django_db
def test_it_shows_the_month_plan_page_to_a_rep(client, rep):
    _this_month_data(rep, 3)
    client.force_login(rep)

    response = client.get(reverse("deals:month_plan"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Pipeline still to create" in content
    assert "Won vs quota by week" in content
    assert "<svg" in content
    assert 'name="owner"' not in content  # a rep plans their own month


@pytest.mark.django_db
def test_it_lets_a_manager_pick_a_rep(client, manager, rep, teammate):
    _this_month_data(rep, 2)
    client.force_login(manager)

    team = client.get(reverse("deals:month_plan"))
    alice = client.get(reverse("deals:month_plan"), {"owner": rep.pk})

    assert 'name="owner"' in team.content.decode()
    assert team.context["plan"].scope_label == "Your team"
    assert alice.context["plan"].owner == rep


@pytest.mark.django_db
def test_it_shows_a_bad_month_as_a_form_error(client, rep):
    client.force_login(rep)

    response = client.get(reverse("deals:month_plan"), {"month": "2025-99"})

    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert response.context["plan"].month_start == timezone.localdate().replace(day=1)


@pytest.mark.django_db
def test_it_ignores_an_invisible_owner_on_the_page(client, manager, rep, other_rep):
    client.force_login(manager)

    response = client.get(reverse("deals:month_plan"), {"owner": other_rep.pk})

    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert response.context["plan"].owner is None


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_it_plans_a_month_in_a_bounded_number_of_queries(
    client, api_as, manager, rep, teammate, n, django_assert_max_num_queries
):
    _this_month_data(rep, n)
    _this_month_data(teammate, n)
    client.force_login(manager)

    with django_assert_max_num_queries(10):
        assert client.get(reverse("deals:month_plan")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("deals:month_plan"), {"owner": rep.pk}).status_code == 200
    with django_assert_max_num_queries(8):
        assert api_as(manager).get("/api/v1/reports/month-plan/").status_code == 200
    with django_assert_max_num_queries(5):
        selectors.month_plan(user=manager, month=timezone.localdate())


@pytest.mark.django_db
def test_it_shows_the_month_plan_widget_on_home(client, rep):
    _this_month_data(rep, 2)
    client.force_login(rep)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    widget = next(w for w in response.context["widgets"] if w["key"] == "deals.month_plan")
    assert widget["context"]["plan"].quota == Decimal("60000.00")
    assert widget["context"]["plan"].won_amount == Decimal("4000.00")
    assert "Month plan →" in response.content.decode()


def test_it_rounds_the_deals_to_create_and_to_win_up():
    # gap 75,000 at a 40% win rate: 187,500 of pipeline = 9.375 deals of 20,000 -> 10;
    # 3.75 wins -> 4 (rounding down would plan one deal short of the quota)
    needed = month_plan_module.input_needed(
        quota=Decimal("100000"),
        gap=Decimal("75000"),
        win_rate=Decimal("0.4"),
        average_won=Decimal("20000"),
        closed=10,
    )

    assert needed.pipeline_to_create == Decimal("187500.00")
    assert (needed.deals_to_create, needed.deals_to_win) == (10, 4)
