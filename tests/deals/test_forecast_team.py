"""The manager's forecast page (issue 15): the team's wording, a manager's call row, and
a roll-up that follows a category change without a reload."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deals.models import ForecastSubmission
from deals.periods import month_end
from deals.reporting import selectors

from .report_factories import open_deal

pytestmark = pytest.mark.django_db


def this_month():
    return timezone.localdate().replace(day=1)


def call(user, commit, best_case):
    month = this_month()
    return ForecastSubmission.objects.create(
        user=user,
        period_start=month,
        period_end=month_end(month),
        commit_amount=commit,
        best_case_amount=best_case,
    )


def test_it_keeps_the_managers_call_out_of_the_reps_sum(manager, rep, teammate):
    call(rep, 30_000, 40_000)
    call(manager, 50_000, 70_000)

    rollup = selectors.forecast_rollup(user=manager, month=this_month())

    assert {row["id"] for row in rollup["rows"]} == {rep.pk, teammate.pk}
    assert rollup["total"]["submitted_commit"] == Decimal("30000.00")
    assert [
        (c["id"], c["submitted_commit"], c["submitted_best_case"]) for c in rollup["manager_calls"]
    ] == [(manager.pk, Decimal("50000.00"), Decimal("70000.00"))]


def test_it_serves_the_managers_call_over_the_api(api_as, manager, rep):
    call(manager, 50_000, 70_000)

    body = api_as(manager).get("/api/v1/reports/forecast/").json()

    assert body["manager_calls"][0]["id"] == manager.pk
    assert body["manager_calls"][0]["submitted_commit"] == "50000.00"
    assert body["total"]["submitted_commit"] is None


def test_it_speaks_to_a_manager_about_the_team(client, manager, rep):
    open_deal(rep, 10_000, close=timezone.localdate(), category="commit")
    client.force_login(manager)

    page = client.get(reverse("deals:forecast")).content.decode()

    assert "Your call for the team" in page
    assert "From your team's deals: commit" in page
    assert "Submit the team's forecast" in page
    assert "Submit my forecast" not in page
    assert "Manager's call: you" in page


def test_it_shows_the_managers_call_row_once_called(client, manager, rep):
    call(manager, 50_000, 70_000)
    client.force_login(manager)

    page = client.get(reverse("deals:forecast")).content.decode()

    row = page.split('class="manager-call"')[1].split("</tr>")[0]
    assert manager.display_name in row
    assert "50,000" in row


def test_it_keeps_the_reps_wording_for_a_rep(client, rep):
    client.force_login(rep)

    page = client.get(reverse("deals:forecast")).content.decode()

    assert "Submit my forecast" in page
    assert "for the team" not in page
    assert "manager-call" not in page


def test_it_updates_the_rollup_with_the_category_change(client, manager, rep):
    deal = open_deal(rep, 12_345, close=timezone.localdate(), category="pipeline")
    client.force_login(manager)

    response = client.post(
        reverse("deals:forecast_category", args=[deal.pk]),
        {"category": "commit", "version": deal.version, "month": f"{this_month():%Y-%m}"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    page = response.content.decode()
    rollup = page.split('id="rollup-section"')[1]
    assert 'hx-swap-oob="true"' in rollup.split(">")[0]
    # the rep's commit column now holds the deal
    assert "12,345" in rollup.split("</tbody>")[0]
    figures = page.split('id="call-figures"')[1]
    assert 'hx-swap-oob="true"' in figures.split(">")[0]
    assert "12,345" in figures


def test_it_sends_no_rollup_when_the_change_is_refused(client, manager, rep):
    deal = open_deal(rep, 12_345, close=timezone.localdate())
    client.force_login(manager)

    response = client.post(
        reverse("deals:forecast_category", args=[deal.pk]),
        {"category": "commit", "version": deal.version + 5},
        HTTP_HX_REQUEST="true",
    )

    assert "hx-swap-oob" not in response.content.decode()


def test_it_keeps_the_forecast_category_change_bounded(
    client, manager, rep, django_assert_max_num_queries
):
    deal = open_deal(rep, 1_000, close=timezone.localdate())
    for n in range(20):
        open_deal(rep, 100 + n, close=timezone.localdate() + timedelta(days=0))
    client.force_login(manager)

    with django_assert_max_num_queries(20):
        client.post(
            reverse("deals:forecast_category", args=[deal.pk]),
            {"category": "commit", "version": deal.version},
            HTTP_HX_REQUEST="true",
        )
