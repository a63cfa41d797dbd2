"""Report subscriptions: the "My report subscriptions" page, subscribing from a report's
page, the API, who may see and change which subscription, and bad input."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from automation.reports import services
from automation.reports.models import ReportSubscription
from salesproc.models import Event
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def _subscribe(user, key="deals.pipeline", **kwargs):
    fields = {"frequency": "weekly", "weekday": 0, "send_time": time(7, 30), **kwargs}
    return services.subscription_create(actor=user, report_key=key, **fields)


def _body(**changes):
    return {
        "report": "deals.pipeline",
        "frequency": "weekly",
        "weekday": 0,
        "send_time": "07:30",
        "scope": "mine",
        **changes,
    }


# -- pages ---------------------------------------------------------------------------------


def test_a_report_page_offers_export_and_subscribe_with_its_filters(client, rep):
    client.force_login(rep)
    page = client.get("/deals/stalled/?owner=" + str(rep.pk)).content.decode()
    assert f'href="/automation/reports/export/deals.stalled/?owner={rep.pk}"' in page
    assert f"/automation/reports/subscribe/?report=deals.stalled&amp;owner={rep.pk}" in page
    # a page that is no report shows neither
    assert "Subscribe by email" not in client.get("/deals/").content.decode()


def test_it_subscribes_from_the_page_with_the_reports_filters(client, rep):
    client.force_login(rep)
    form = client.get("/automation/reports/subscribe/?report=deals.month_plan&month=2027-01")
    assert form.status_code == 200 and b'value="2027-01"' in form.content

    response = client.post(
        "/automation/reports/subscribe/",
        {
            "report": "deals.month_plan",
            "month": "2027-01",
            "scope": "mine",
            "frequency": "monthly",
            "day_of_month": "1",
            "send_time": "08:00",
        },
    )

    assert response.status_code == 302
    subscription = ReportSubscription.objects.get()
    assert (subscription.owner, subscription.report_key) == (rep, "deals.month_plan")
    assert subscription.params == {"month": "2027-01"}
    assert (subscription.frequency, subscription.day_of_month) == ("monthly", 1)
    assert Event.objects.filter(name="report_subscription.created").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": "2020-01-01"}, "cannot be in the past"),
        ({"frequency": "weekly", "weekday": ""}, "day of the week"),
        ({"month": "January"}, "Month: Give a month as YYYY-MM."),
        ({"send_time": "25:00"}, "Enter a valid time"),
    ],
)
def test_the_subscribe_form_shows_bad_input(client, rep, changes, message):
    client.force_login(rep)
    data = {
        "report": "deals.month_plan",
        "scope": "mine",
        "frequency": "daily",
        "send_time": "08:00",
        **changes,
    }
    response = client.post("/automation/reports/subscribe/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReportSubscription.objects.count() == 0


def test_a_report_the_user_may_not_see_is_a_404(client, rep):
    client.force_login(rep)  # lead metrics are for managers
    assert client.get("/automation/reports/subscribe/?report=leads.metrics").status_code == 404
    assert client.get("/automation/reports/subscribe/?report=nope.nope").status_code == 404


def test_the_page_lists_mine_and_for_a_manager_the_teams(client, manager, rep, other_rep):
    _subscribe(rep)
    _subscribe(manager, scope="team", key="deals.forecast")
    _subscribe(other_rep)
    client.force_login(manager)
    page = client.get("/automation/reports/").content.decode()
    assert "Forecast" in page and "My team's" in page and rep.display_name in page
    assert other_rep.display_name not in page

    client.force_login(rep)
    page = client.get("/automation/reports/").content.decode()
    assert "Pipeline by stage" in page and "Forecast</a><br>" not in page


@pytest.mark.parametrize("count", [10, 1000])
def test_the_subscription_page_runs_a_bounded_number_of_queries(
    client, manager, rep, count, django_assert_max_num_queries
):
    base = _subscribe(rep)
    ReportSubscription.objects.bulk_create(
        [
            ReportSubscription(
                owner=rep if n % 2 else manager,
                report_key="deals.pipeline",
                frequency="daily",
                send_time=time(7, 0),
                starts_on=base.starts_on,
                next_send_at=base.next_send_at,
                scope="team" if not n % 2 else "mine",
            )
            for n in range(count - 1)
        ]
    )
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get("/automation/reports/")
    assert response.status_code == 200
    assert response.content.decode().count("/automation/reports/subscriptions/") >= count


def test_a_rep_of_another_team_gets_404_for_a_subscription_and_nothing_changes(
    client, rep, other_rep
):
    subscription = _subscribe(rep)
    client.force_login(other_rep)
    assert client.get(f"/automation/reports/subscriptions/{subscription.pk}/").status_code == 404
    assert (
        client.post(f"/automation/reports/subscriptions/{subscription.pk}/delete/").status_code
        == 404
    )
    assert ReportSubscription.objects.filter(pk=subscription.pk).exists()


def test_the_owner_edits_and_deletes_their_subscription(client, rep):
    subscription = _subscribe(rep)
    client.force_login(rep)
    response = client.post(
        f"/automation/reports/subscriptions/{subscription.pk}/",
        {"scope": "mine", "frequency": "daily", "send_time": "06:15", "is_active": "on"},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.send_time) == ("daily", time(6, 15))

    client.post(f"/automation/reports/subscriptions/{subscription.pk}/delete/")
    assert not ReportSubscription.objects.exists()


def test_a_person_sets_their_time_zone_and_a_bad_one_is_refused(client, rep):
    client.force_login(rep)
    client.post("/automation/reports/time-zone/", {"time_zone": "Europe/Berlin"})
    rep.refresh_from_db()
    assert rep.time_zone == "Europe/Berlin"
    response = client.post(
        "/automation/reports/time-zone/", {"time_zone": "Mars/Olympus"}, follow=True
    )
    assert "Unknown time zone" in response.content.decode()
    rep.refresh_from_db()
    assert rep.time_zone == "Europe/Berlin"


# -- API -----------------------------------------------------------------------------------


def test_the_api_creates_lists_and_changes_a_subscription(rep):
    api = api_for(rep)
    created = api.post(
        "/api/v1/report-subscriptions/", _body(params={"pipeline": ""}), format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["report"], body["title"], body["owner"]) == (
        "deals.pipeline",
        "Pipeline by stage",
        rep.pk,
    )
    assert body["next_send_at"] and body["time_zone"] == "UTC"

    listed = api.get("/api/v1/report-subscriptions/").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    changed = api.patch(
        f"/api/v1/report-subscriptions/{body['id']}/", {"frequency": "daily"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["frequency"] == "daily"
    assert api.delete(f"/api/v1/report-subscriptions/{body['id']}/").status_code == 204


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": (timezone.localdate() - timedelta(days=1)).isoformat()}, "starts_on"),
        ({"frequency": "monthly", "day_of_month": 31}, "day_of_month"),
        ({"frequency": "hourly"}, "frequency"),
        ({"report": "deals.nope"}, "report"),
        ({"report": "leads.metrics"}, "report"),  # for managers only
        ({"scope": "team"}, "scope"),  # a rep has no team to report on
        ({"params": {"close_from": "yesterday"}}, "params"),
        ({"params": {"owner": "me"}}, "params"),
        ({"send_time": "noon"}, "send_time"),
    ],
)
def test_the_api_answers_bad_input_with_field_errors(rep, changes, field):
    response = api_for(rep).post("/api/v1/report-subscriptions/", _body(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert ReportSubscription.objects.count() == 0


def test_the_api_refuses_params_naming_someone_of_another_team(manager, other_rep):
    response = api_for(manager).post(
        "/api/v1/report-subscriptions/",
        _body(scope="team", params={"owner": other_rep.pk}),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["params"] == ["Rep: no such person you can see."]


def test_the_api_hides_another_teams_subscription(manager, rep, other_rep, other_manager, admin):
    subscription = _subscribe(rep)
    url = f"/api/v1/report-subscriptions/{subscription.pk}/"
    for outsider in (other_rep, other_manager):
        api = api_for(outsider)
        assert api.get(url).status_code == 404
        assert api.patch(url, {"frequency": "daily"}, format="json").status_code == 404
        assert api.delete(url).status_code == 404
        assert api.get("/api/v1/report-subscriptions/").json()["results"] == []
    subscription.refresh_from_db()
    assert subscription.frequency == "weekly"
    assert api_for(manager).get(url).status_code == 200
    assert api_for(admin).get(url).status_code == 200


def test_a_new_time_zone_moves_the_next_sends_to_the_same_local_time(client, rep):
    subscription = _subscribe(rep, frequency="daily", weekday=None)
    client.force_login(rep)
    client.post("/automation/reports/time-zone/", {"time_zone": "Asia/Tokyo"})
    subscription.refresh_from_db()
    local = subscription.next_send_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (7, 30)
    page = client.get("/automation/reports/").content.decode()
    assert f"{local:%-d %b}, 07:30" in page


def test_the_api_keeps_a_subscriptions_report(rep):
    subscription = _subscribe(rep)
    response = api_for(rep).patch(
        f"/api/v1/report-subscriptions/{subscription.pk}/",
        {"report": "deals.stalled"},
        format="json",
    )
    assert response.status_code == 400 and "report" in response.json()
    subscription.refresh_from_db()
    assert subscription.report_key == "deals.pipeline"
