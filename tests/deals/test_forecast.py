"""Forecast: submissions, the roll-up per rep and the manager's category override."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from deals import periods
from deals.models import Deal, ForecastSubmission
from deals.reporting import selectors
from deals.reporting import services as reporting_services
from salesproc.errors import StaleVersion
from salesproc.models import Event

from .report_factories import open_deal, quota, won_deal

JUNE = date(2025, 6, 1)


def _this_month():
    return timezone.localdate().replace(day=1)


# -- submissions ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_records_a_forecast_submission_with_an_event(rep):
    submission = reporting_services.forecast_submit(
        actor=rep,
        period_start=_this_month(),
        commit_amount="30000",
        best_case_amount=Decimal("45000"),
        note="  Two renewals  ",
    )

    assert (submission.user, submission.commit_amount, submission.best_case_amount) == (
        rep,
        Decimal("30000.00"),
        Decimal("45000.00"),
    )
    assert submission.note == "Two renewals"
    assert submission.period_end == periods.month_end(_this_month())
    assert Event.objects.filter(name="forecast.submitted", actor=rep).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"commit_amount": "-1"}, "commit_amount"),
        ({"commit_amount": "abc"}, "commit_amount"),
        ({"best_case_amount": "10"}, "best_case_amount"),
        ({"period_start": date(2020, 1, 1)}, "period_start"),
        ({"period_start": date(2030, 1, 15)}, "period_start"),
    ],
)
def test_it_refuses_a_bad_forecast(rep, kwargs, field):
    data = {"period_start": _this_month(), "commit_amount": "100", "best_case_amount": "200"}
    data.update(kwargs)

    with pytest.raises(ValidationError) as error:
        reporting_services.forecast_submit(actor=rep, **data)

    assert field in error.value.message_dict
    assert ForecastSubmission.objects.count() == 0


# -- roll-up ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_rolls_up_the_forecast_per_rep_against_quota(manager, rep, teammate, other_rep):
    quota(rep, JUNE, 50_000)
    quota(teammate, JUNE, 40_000)
    won_deal(rep, 10_000, closed=date(2025, 6, 3))
    open_deal(rep, 20_000, close=date(2025, 6, 20), category="commit")
    open_deal(rep, 5_000, close=date(2025, 6, 21), category="commit")
    open_deal(rep, 15_000, close=date(2025, 6, 22), category="best_case")
    open_deal(rep, 7_000, close=date(2025, 6, 23), category="pipeline")
    open_deal(rep, 9_000, close=date(2025, 6, 24), category="omitted")
    open_deal(rep, 99_000, close=date(2025, 7, 1), category="commit")  # July
    open_deal(other_rep, 12_000, close=date(2025, 6, 20), category="commit")  # other team
    ForecastSubmission.objects.create(
        user=rep,
        period_start=JUNE,
        period_end=date(2025, 6, 30),
        commit_amount=30_000,
        best_case_amount=40_000,
        submitted_at=timezone.now() - timedelta(days=2),
    )
    ForecastSubmission.objects.create(
        user=rep,
        period_start=JUNE,
        period_end=date(2025, 6, 30),
        commit_amount=35_000,
        best_case_amount=50_000,
        note="latest",
    )

    rollup = selectors.forecast_rollup(user=manager, month="2025-06")

    rows = {row["name"]: row for row in rollup["rows"]}
    assert set(rows) == {rep.display_name, teammate.display_name}
    alice = rows[rep.display_name]
    assert alice["quota"] == Decimal("50000.00")
    assert alice["won_amount"] == Decimal("10000.00")
    assert (alice["submitted_commit"], alice["submitted_best_case"]) == (
        Decimal("35000.00"),
        Decimal("50000.00"),
    )
    assert alice["submitted_note"] == "latest"
    assert (
        alice["commit_pipeline"],
        alice["best_case_pipeline"],
        alice["pipeline_pipeline"],
        alice["omitted_pipeline"],
    ) == (Decimal("25000.00"), Decimal("15000.00"), Decimal("7000.00"), Decimal("9000.00"))
    assert alice["won_and_commit"] == Decimal("35000.00")
    assert alice["coverage"] == Decimal("0.7")
    bob = rows[teammate.display_name]
    assert (bob["submitted_commit"], bob["won_amount"]) == (None, Decimal("0.00"))
    assert rollup["total"]["quota"] == Decimal("90000.00")
    assert rollup["total"]["commit_pipeline"] == Decimal("25000.00")
    assert rollup["total"]["submitted_commit"] == Decimal("35000.00")


@pytest.mark.django_db
def test_it_shows_a_rep_only_their_own_forecast(rep, teammate):
    quota(teammate, JUNE, 40_000)

    rollup = selectors.forecast_rollup(user=rep, month=JUNE)

    assert [row["id"] for row in rollup["rows"]] == [rep.pk]


# -- category override ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_the_manager_override_a_forecast_category(manager, rep):
    deal = open_deal(rep, 10_000, close=date(2025, 6, 20))
    version = deal.version

    deal = reporting_services.deal_set_forecast_category(
        actor=manager, deal=deal, category="commit", version=version
    )

    assert (deal.forecast_category, deal.version) == ("commit", version + 1)
    event = Event.objects.get(name="deal.forecast_category_changed")
    assert (event.actor, event.data) == (manager, {"from": "pipeline", "to": "commit"})


@pytest.mark.django_db
def test_it_refuses_a_stale_version_and_changes_nothing(manager, rep):
    deal = open_deal(rep, 10_000)
    Deal.objects.filter(pk=deal.pk).update(version=5)

    with pytest.raises(StaleVersion) as error:
        reporting_services.deal_set_forecast_category(
            actor=manager, deal=deal, category="commit", version=4
        )

    assert error.value.current_version == 5
    deal.refresh_from_db()
    assert (deal.forecast_category, deal.version) == ("pipeline", 5)
    assert not Event.objects.filter(name="deal.forecast_category_changed").exists()


@pytest.mark.django_db
def test_it_refuses_the_override_to_a_rep(rep):
    deal = open_deal(rep, 10_000)

    with pytest.raises(PermissionDenied):
        reporting_services.deal_set_forecast_category(
            actor=rep, deal=deal, category="commit", version=deal.version
        )

    deal.refresh_from_db()
    assert deal.forecast_category == "pipeline"


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["closed", "maybe"])
def test_it_refuses_a_category_that_does_not_apply(manager, rep, category):
    deal = open_deal(rep, 10_000)

    with pytest.raises(ValidationError) as error:
        reporting_services.deal_set_forecast_category(
            actor=manager, deal=deal, category=category, version=deal.version
        )

    assert "category" in error.value.message_dict


@pytest.mark.django_db
def test_it_refuses_to_recategorise_a_closed_deal(manager, rep):
    deal = won_deal(rep, 10_000, closed=date(2025, 6, 2))

    with pytest.raises(ValidationError):
        reporting_services.deal_set_forecast_category(
            actor=manager, deal=deal, category="commit", version=deal.version
        )


@pytest.mark.django_db
def test_it_overrides_a_category_over_the_api(api_as, manager, rep):
    deal = open_deal(rep, 10_000)
    url = f"/api/v1/deals/{deal.pk}/forecast-category/"

    response = api_as(manager).post(
        url, {"category": "best_case", "version": deal.version}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": deal.pk,
        "forecast_category": "best_case",
        "version": deal.version + 1,
    }


@pytest.mark.django_db
def test_it_answers_409_to_a_stale_override(api_as, manager, rep):
    deal = open_deal(rep, 10_000)
    url = f"/api/v1/deals/{deal.pk}/forecast-category/"

    response = api_as(manager).post(
        url, {"category": "commit", "version": deal.version + 3}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == deal.version
    deal.refresh_from_db()
    assert deal.forecast_category == "pipeline"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("rep", 403), ("other_manager", 404), ("other_rep", 404)]
)
def test_it_guards_the_override_over_the_api(request, api_as, rep, persona, status):
    deal = open_deal(rep, 10_000)
    caller = request.getfixturevalue(persona)

    response = api_as(caller).post(
        f"/api/v1/deals/{deal.pk}/forecast-category/",
        {"category": "commit", "version": deal.version},
        format="json",
    )

    assert response.status_code == status
    deal.refresh_from_db()
    assert (deal.forecast_category, deal.version) == ("pipeline", 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "commit"}, "version"),
        ({"category": "nope", "version": 1}, "category"),
        ({}, "category"),
    ],
)
def test_it_answers_400_to_a_bad_override(api_as, manager, rep, body, field):
    deal = open_deal(rep, 10_000)

    response = api_as(manager).post(
        f"/api/v1/deals/{deal.pk}/forecast-category/", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()


# -- forecast submissions API -------------------------------------------------------------------


@pytest.mark.django_db
def test_it_takes_a_forecast_over_the_api(api_as, rep, teammate, manager):
    month = _this_month().strftime("%Y-%m")
    body = {"period": month, "commit_amount": "1000.00", "best_case_amount": "2000.00"}

    response = api_as(rep).post("/api/v1/forecast-submissions/", body, format="json")
    bad = api_as(rep).post(
        "/api/v1/forecast-submissions/", {**body, "best_case_amount": "10"}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["user"], response.json()["period"]) == (rep.pk, month)
    assert bad.status_code == 400
    assert "best_case_amount" in bad.json()
    assert api_as(teammate).get("/api/v1/forecast-submissions/").json()["count"] == 0
    assert (
        api_as(manager).get("/api/v1/forecast-submissions/", {"period": month}).json()["count"] == 1
    )


@pytest.mark.django_db
def test_it_serves_the_forecast_rollup_over_the_api(api_as, manager, rep):
    response = api_as(manager).get("/api/v1/reports/forecast/", {"month": "2025-06"})

    assert response.status_code == 200
    assert response.json()["month"] == "2025-06"
    assert api_as(manager).get("/api/v1/reports/forecast/", {"month": "06-2025"}).status_code == 400


# -- pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_takes_a_reps_forecast_on_the_page(client, rep):
    client.force_login(rep)
    month = _this_month()

    response = client.post(
        f"{reverse('deals:forecast')}?month={month:%Y-%m}",
        {"commit_amount": "12000", "best_case_amount": "20000", "note": "ok"},
    )

    assert response.status_code == 302
    submission = ForecastSubmission.objects.get()
    assert (submission.user, submission.period_start, submission.commit_amount) == (
        rep,
        month,
        Decimal("12000.00"),
    )


@pytest.mark.django_db
def test_it_shows_forecast_errors_on_the_form(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("deals:forecast"), {"commit_amount": "500", "best_case_amount": "100"}
    )

    assert response.status_code == 200
    assert "best_case_amount" in response.context["submit_form"].errors
    assert ForecastSubmission.objects.count() == 0


@pytest.mark.django_db
def test_it_overrides_a_category_inline_with_htmx(client, manager, rep):
    deal = open_deal(rep, 10_000, close=timezone.localdate())
    client.force_login(manager)
    url = reverse("deals:forecast_category", args=[deal.pk])

    saved = client.post(
        url, {"category": "commit", "version": deal.version}, HTTP_HX_REQUEST="true"
    )
    stale = client.post(
        url, {"category": "best_case", "version": deal.version}, HTTP_HX_REQUEST="true"
    )

    assert saved.status_code == 200
    assert "saved" in saved.content.decode()
    assert stale.status_code == 200
    assert "Someone changed this deal meanwhile" in stale.content.decode()
    deal.refresh_from_db()
    assert (deal.forecast_category, deal.version) == ("commit", 2)


@pytest.mark.django_db
def test_it_hides_another_teams_deal_from_the_inline_override(client, other_manager, rep):
    deal = open_deal(rep, 10_000)
    client.force_login(other_manager)

    response = client.post(
        reverse("deals:forecast_category", args=[deal.pk]), {"category": "commit", "version": 1}
    )

    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.forecast_category == "pipeline"


@pytest.mark.django_db
def test_it_shows_the_rollup_to_managers_only(client, manager, rep):
    open_deal(rep, 10_000, close=timezone.localdate())
    client.force_login(rep)
    as_rep = client.get(reverse("deals:forecast")).content.decode()
    client.force_login(manager)
    as_manager = client.get(reverse("deals:forecast")).content.decode()

    assert "Roll-up per rep" not in as_rep
    assert "<select" not in as_rep.split("forecast-deals")[-1]
    assert "Roll-up per rep" in as_manager
    assert 'hx-post="/deals/forecast/deals/' in as_manager


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_it_forecasts_in_a_bounded_number_of_queries(
    client, api_as, manager, rep, teammate, n, django_assert_max_num_queries
):
    today = timezone.localdate()
    for owner in (rep, teammate):
        quota(owner, today.replace(day=1), 10_000)
        for i in range(n):
            open_deal(
                owner, 1_000 + i, close=today, category=["commit", "best_case", "pipeline"][i % 3]
            )
    client.force_login(manager)

    with django_assert_max_num_queries(9):
        assert client.get(reverse("deals:forecast")).status_code == 200
    with django_assert_max_num_queries(4):
        assert api_as(manager).get("/api/v1/reports/forecast/").status_code == 200
