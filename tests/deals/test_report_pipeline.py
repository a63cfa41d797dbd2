"""Pipeline by stage, win rate, sales cycle, velocity and attainment: figures, visibility,
filters, bad input, API and the dashboard page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from deals.reporting import selectors
from tests.factories import PipelineFactory, RoleFactory, UserFactory

from .report_factories import at, lost_deal, open_deal, quota, won_deal


@pytest.fixture
def pipeline_deals(rep, teammate, other_rep):
    open_deal(rep, 10_000, stage_name="Prospecting", close=date(2025, 6, 10))
    open_deal(rep, 30_000, stage_name="Proposal", close=date(2025, 7, 15))
    open_deal(rep, 20_000, stage_name="Proposal", close=date(2025, 6, 30))
    open_deal(teammate, 8_000, stage_name="Negotiation", close=date(2025, 6, 12))
    open_deal(other_rep, 50_000, stage_name="Negotiation", close=date(2025, 6, 12))
    won_deal(rep, 99_000, closed=date(2025, 6, 1))  # closed: not pipeline


def _by_stage(summary):
    return {
        row["name"]: (row["count"], row["amount"], row["weighted_amount"])
        for row in summary["stages"]
    }


@pytest.mark.django_db
def test_it_sums_open_deals_per_stage(rep, pipeline_deals):
    summary = selectors.pipeline_summary(user=rep)

    assert _by_stage(summary) == {
        "Prospecting": (1, Decimal("10000.00"), Decimal("1000.00")),
        "Discovery": (0, Decimal("0.00"), Decimal("0.00")),
        "Proposal": (2, Decimal("50000.00"), Decimal("25000.00")),
        "Negotiation": (0, Decimal("0.00"), Decimal("0.00")),
    }
    assert summary["total"] == {
        "count": 3,
        "amount": Decimal("60000.00"),
        "weighted_amount": Decimal("26000.00"),
    }


@pytest.mark.django_db
def test_it_shows_each_persona_the_pipeline_they_may_see(
    manager, other_manager, admin, pipeline_deals
):
    assert selectors.pipeline_summary(user=manager)["total"]["count"] == 4
    assert selectors.pipeline_summary(user=manager)["total"]["weighted_amount"] == Decimal(
        "32000.00"
    )
    assert selectors.pipeline_summary(user=other_manager)["total"]["amount"] == Decimal("50000.00")
    assert selectors.pipeline_summary(user=admin)["total"]["count"] == 5


@pytest.mark.django_db
def test_it_filters_the_pipeline_by_owner_close_dates_and_pipeline(
    manager, rep, teammate, pipeline_deals
):
    june = selectors.pipeline_summary(user=manager, close_from="2025-06-01", close_to="2025-06-30")
    bob = selectors.pipeline_summary(user=manager, owner=teammate.pk)
    renewals = PipelineFactory(name="Renewals", is_default=False)
    open_deal(rep, 7_000, stage_name="Discovery", close=date(2025, 6, 3), in_pipeline=renewals)
    only_renewals = selectors.pipeline_summary(user=manager, pipeline=renewals.pk)

    assert june["total"] == {
        "count": 3,
        "amount": Decimal("38000.00"),
        "weighted_amount": Decimal("17000.00"),
    }
    assert june["open_deals"] == 4  # velocity still counts every open deal
    assert bob["total"]["count"] == 1
    assert {row["pipeline"] for row in only_renewals["stages"]} == {"Renewals"}
    assert only_renewals["total"]["amount"] == Decimal("7000.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"close_from": "2025-13-01"}, "close_from"),
        ({"close_to": "tomorrow"}, "close_to"),
        ({"close_from": "2025-06-30", "close_to": "2025-06-01"}, "close_to"),
        ({"pipeline": 999_999}, "pipeline"),
        ({"owner": "nobody"}, "owner"),
    ],
)
def test_it_refuses_bad_pipeline_filters(rep, kwargs, field):
    with pytest.raises(ValidationError) as error:
        selectors.pipeline_summary(user=rep, **kwargs)
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_it_computes_win_rate_cycle_and_velocity(rep):
    # the six full months before July: January to June (the month plan's window too)
    today = date(2025, 7, 18)
    # won: 10,000 in 10 days, 30,000 in 30 days; lost: 2 -> win rate 2/4, cycle 20 days
    won_deal(rep, 10_000, closed=at(date(2025, 5, 11)), created=at(date(2025, 5, 1)))
    won_deal(rep, 30_000, closed=at(date(2025, 6, 2)), created=at(date(2025, 5, 3)))
    lost_deal(rep, 5_000, closed=date(2025, 4, 1))
    lost_deal(rep, 5_000, closed=date(2025, 6, 3))
    lost_deal(rep, 5_000, closed=date(2024, 11, 3))  # before the six months
    for _ in range(3):
        open_deal(rep, 1_000)

    metrics = selectors.sales_metrics(user=rep, today=today)

    assert (metrics["won"], metrics["lost"]) == (2, 2)
    assert metrics["win_rate"] == Decimal("0.5")
    assert metrics["average_won_amount"] == Decimal("20000.00")
    assert metrics["average_cycle_days"] == Decimal("20.0")
    assert metrics["open_deals"] == 3
    # 3 open x 20,000 x 50% / 20 days
    assert metrics["velocity_per_day"] == Decimal("1500.00")
    assert metrics["velocity_per_month"] == Decimal("45000.00")
    assert [row["month"] for row in metrics["months"]] == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
    ]
    may = metrics["months"][4]
    assert (may["won"], may["lost"], may["average_cycle_days"]) == (1, 0, Decimal("10.0"))
    assert metrics["months"][5]["win_rate"] == Decimal("0.5")


@pytest.mark.django_db
def test_it_leaves_velocity_empty_without_history(rep):
    open_deal(rep, 1_000)

    metrics = selectors.sales_metrics(user=rep)

    assert (metrics["win_rate"], metrics["average_cycle_days"], metrics["velocity_per_day"]) == (
        None,
        None,
        None,
    )


@pytest.mark.django_db
def test_it_computes_attainment_per_rep(manager, rep, teammate, other_rep):
    june = date(2025, 6, 1)
    quota(rep, june, 40_000)
    quota(teammate, june, 20_000)
    quota(other_rep, june, 10_000)
    won_deal(rep, 10_000, closed=date(2025, 6, 2))
    won_deal(rep, 20_000, closed=date(2025, 6, 30))
    won_deal(rep, 50_000, closed=date(2025, 7, 1))  # July
    won_deal(other_rep, 10_000, closed=date(2025, 6, 2))

    rows = {row["name"]: row for row in selectors.attainment(user=manager, month="2025-06")}

    assert set(rows) == {rep.display_name, teammate.display_name}  # not the manager herself
    assert rows[rep.display_name]["won_amount"] == Decimal("30000.00")
    assert rows[rep.display_name]["won_count"] == 2
    assert rows[rep.display_name]["attainment"] == Decimal("0.75")
    assert rows[teammate.display_name]["attainment"] == Decimal("0")


# -- API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_serves_the_pipeline_report(api_as, rep, pipeline_deals):
    response = api_as(rep).get("/api/v1/reports/pipeline/")

    assert response.status_code == 200
    body = response.json()
    proposal = next(row for row in body["stages"] if row["name"] == "Proposal")
    assert (proposal["count"], proposal["amount"], proposal["weighted_amount"]) == (
        2,
        "50000.00",
        "25000.00",
    )
    assert body["total"] == {"count": 3, "amount": "60000.00", "weighted_amount": "26000.00"}


@pytest.mark.django_db
def test_it_filters_the_pipeline_report_over_the_api(api_as, manager, teammate, pipeline_deals):
    response = api_as(manager).get(
        "/api/v1/reports/pipeline/",
        {"owner": teammate.pk, "close_from": "2025-06-01", "close_to": "2025-06-30"},
    )

    assert response.status_code == 200
    assert response.json()["total"]["amount"] == "8000.00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"close_from": "2025-02-30"}, "close_from"),
        ({"close_to": "x"}, "close_to"),
        ({"close_from": "2025-06-02", "close_to": "2025-06-01"}, "close_to"),
        ({"pipeline": "abc"}, "pipeline"),
    ],
)
def test_it_answers_400_to_bad_pipeline_report_filters(api_as, rep, params, field):
    response = api_as(rep).get("/api/v1/reports/pipeline/", params)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_it_answers_400_for_another_teams_rep(api_as, manager, other_rep, pipeline_deals):
    response = api_as(manager).get("/api/v1/reports/pipeline/", {"owner": other_rep.pk})

    assert response.status_code == 400
    assert "owner" in response.json()


@pytest.mark.django_db
def test_it_serves_sales_metrics(api_as, manager, rep):
    today = timezone.localdate()
    quota(rep, today.replace(day=1), 10_000)
    won_deal(rep, 5_000, closed=today.replace(day=1))
    # the win rate window is the full months before this one
    won_deal(rep, 1_000, closed=today.replace(day=1) - timedelta(days=1))

    response = api_as(manager).get("/api/v1/reports/sales-metrics/", {"months": 3})

    assert response.status_code == 200
    body = response.json()
    assert body["won"] == 1
    assert [row["attainment"] for row in body["attainment"] if row["id"] == rep.pk] == [0.5]
    assert api_as(manager).get("/api/v1/reports/sales-metrics/", {"months": 99}).status_code == 400
    assert api_as(manager).get("/api/v1/reports/sales-metrics/", {"months": "x"}).status_code == 400


@pytest.mark.django_db
def test_it_keeps_reports_from_roles_without_deal_management(api_as, client, roles):
    role = RoleFactory(slug="leads-only", name="Leads only", processes=["leads"])
    someone = UserFactory(username="leadsonly", role=role)

    for url in ("/api/v1/reports/pipeline/", "/api/v1/reports/sales-metrics/"):
        assert api_as(someone).get(url).status_code == 403
    client.force_login(someone)
    assert client.get(reverse("deals:pipeline_dashboard")).status_code == 403


# -- page ----------------------------------------------------------------------------------


def _dashboard_data(rep, n):
    today = timezone.localdate()
    quota(rep, today.replace(day=1), 20_000)
    for i in range(n):
        open_deal(rep, 1_000 + i, stage_name=["Prospecting", "Proposal"][i % 2])
        won_deal(
            rep,
            3_000,
            closed=today - timedelta(days=i % 60),
            created=at(today - timedelta(days=90)),
        )
        lost_deal(rep, 1_000, closed=today - timedelta(days=i % 90))


@pytest.mark.django_db
def test_it_shows_the_dashboard_with_charts(client, manager, rep):
    _dashboard_data(rep, 4)
    client.force_login(manager)

    response = client.get(reverse("deals:pipeline_dashboard"))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<svg") == 5
    for heading in ("Pipeline by stage", "Attainment", "Win rate by month", "Pipeline velocity"):
        assert heading in content
    assert response.context["summary"]["total"]["count"] == 4


@pytest.mark.django_db
def test_it_shows_bad_dashboard_filters_as_form_errors(client, rep):
    client.force_login(rep)

    response = client.get(
        reverse("deals:pipeline_dashboard"), {"close_from": "2025-06-30", "close_to": "2025-06-01"}
    )

    assert response.status_code == 200
    assert "close_to" in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_it_reports_the_pipeline_in_a_bounded_number_of_queries(
    client, api_as, manager, rep, teammate, n, django_assert_max_num_queries
):
    _dashboard_data(rep, n)
    _dashboard_data(teammate, n)
    client.force_login(manager)

    with django_assert_max_num_queries(10):
        assert client.get(reverse("deals:pipeline_dashboard")).status_code == 200
    with django_assert_max_num_queries(11):
        response = client.get(
            reverse("deals:pipeline_dashboard"), {"owner": rep.pk, "close_from": "2025-01-01"}
        )
        assert response.status_code == 200
    with django_assert_max_num_queries(4):
        assert api_as(manager).get("/api/v1/reports/pipeline/").status_code == 200
    with django_assert_max_num_queries(5):
        assert api_as(manager).get("/api/v1/reports/sales-metrics/").status_code == 200


# -- navigation and gating of every report page ------------------------------------------------

REPORT_PAGES = [
    "deals:month_plan",
    "deals:forecast",
    "deals:pipeline_dashboard",
    "deals:stalled_deals",
    "deals:quota_admin",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", REPORT_PAGES)
def test_it_keeps_every_report_page_from_roles_without_deal_management(client, roles, url_name):
    role = RoleFactory(slug="calls-role", name="Calls role", processes=["calls"])
    client.force_login(UserFactory(username="callsonly", role=role))

    response = client.get(reverse(url_name))

    assert response.status_code == 403
    assert "is not part of your role" in response.content.decode()


@pytest.mark.django_db
def test_it_lists_the_report_pages_in_the_navigation(client, rep, manager):
    client.force_login(rep)
    rep_nav = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    client.force_login(manager)
    manager_nav = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]

    for label in ("Month plan", "Forecast", "Pipeline dashboard", "Stalled deals"):
        assert label in rep_nav
        assert label in manager_nav
    assert "Quotas" not in rep_nav
    assert "Quotas" in manager_nav


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["rep", "manager", "admin"])
def test_it_renders_every_report_page_for_each_persona(request, client, rep, persona):
    _dashboard_data(rep, 2)
    client.force_login(request.getfixturevalue(persona))

    for url_name in REPORT_PAGES:
        response = client.get(reverse(url_name))
        expected = 403 if (url_name == "deals:quota_admin" and persona == "rep") else 200
        assert response.status_code == expected, url_name
