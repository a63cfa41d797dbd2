"""Every registered report: its CSV from the browser (with the page's filters) and over
the API (?format=csv or Accept: text/csv), with the reader's visibility."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from deals.models import Deal
from salesproc.registry import reports_for
from tests.conftest import api_for
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def stalled(rep, teammate, other_rep):
    for owner, name in ((rep, "Alice's"), (teammate, "Bob's"), (other_rep, "=Charlie's")):
        deal = DealFactory(owner=owner, name=name)
        Deal.objects.filter(pk=deal.pk).update(stage_entered_at=timezone.now() - timedelta(days=40))


def test_a_report_exports_from_the_browser_with_its_filters_and_visibility(
    client, manager, rep, stalled
):
    client.force_login(manager)
    everyone = _rows(client.get("/automation/reports/export/deals.stalled/"))
    only_alice = _rows(client.get(f"/automation/reports/export/deals.stalled/?owner={rep.pk}"))

    assert sorted(row[0] for row in everyone[1:]) == ["Alice's", "Bob's"]
    assert [row[0] for row in only_alice[1:]] == ["Alice's"]


def test_the_report_api_answers_csv_by_format_or_accept_and_json_otherwise(other_rep, stalled):
    api = api_for(other_rep)
    by_format = _rows(api.get("/api/v1/registered-reports/deals.stalled/?format=csv"))
    by_header = _rows(api.get("/api/v1/registered-reports/deals.stalled/", HTTP_ACCEPT="text/csv"))
    as_json = api.get("/api/v1/registered-reports/deals.stalled/").json()

    assert by_format == by_header
    assert [row[0] for row in by_format[1:]] == ["'=Charlie's"]  # neutralised
    assert as_json["columns"][0] == "deal" and as_json["rows"][0][0] == "=Charlie's"


def test_the_report_api_lists_only_the_reports_a_person_may_see(rep, manager):
    rep_keys = {row["key"] for row in api_for(rep).get("/api/v1/registered-reports/").json()}
    manager_keys = {
        row["key"] for row in api_for(manager).get("/api/v1/registered-reports/").json()
    }
    assert "deals.pipeline" in rep_keys and "leads.metrics" not in rep_keys
    assert {"leads.metrics", "calls.coaching", "territories.balance"} <= manager_keys


def test_a_report_the_reader_may_not_see_is_a_404(client, rep):
    api = api_for(rep)
    assert api.get("/api/v1/registered-reports/leads.metrics/?format=csv").status_code == 404
    assert api.get("/api/v1/registered-reports/nope.nope/").status_code == 404
    client.force_login(rep)
    assert client.get("/automation/reports/export/leads.metrics/").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [("month=13-2026", "params"), ("owner=999999", "params"), ("close_from=soon", "params")],
)
def test_bad_report_params_are_a_json_400(rep, query, field):
    report = "deals.month_plan" if "month" in query else "deals.pipeline"
    response = api_for(rep).get(f"/api/v1/registered-reports/{report}/?format=csv&{query}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert field in response.json()


def test_the_report_export_page_shows_bad_params_as_a_message(client, rep):
    client.force_login(rep)
    response = client.get("/automation/reports/export/deals.pipeline/?owner=abc", follow=True)
    assert "Rep: Give a whole number." in response.content.decode()


@pytest.mark.parametrize("persona", ["rep", "manager", "admin"])
def test_every_registered_report_runs_for_each_persona(persona, request, stalled):
    user = request.getfixturevalue(persona)
    api = api_for(user)
    for item in reports_for(user):
        response = api.get(f"/api/v1/registered-reports/{item.key}/?format=csv")
        rows = _rows(response)
        assert rows[0], item.key


@pytest.mark.parametrize("count", [10, 1000])
def test_a_report_export_runs_a_bounded_number_of_queries(
    client, rep, count, django_assert_max_num_queries
):
    deal = DealFactory(owner=rep)
    Deal.objects.bulk_create(
        [
            Deal(
                name=f"Bulk {n}",
                account=deal.account,
                owner=rep,
                pipeline=deal.pipeline,
                stage=deal.stage,
                amount=n,
                stage_entered_at=timezone.now() - timedelta(days=40),
            )
            for n in range(count)
        ]
    )
    client.force_login(rep)
    with django_assert_max_num_queries(12):
        rows = _rows(client.get("/automation/reports/export/deals.stalled/"))
    assert len(rows) == count + 1
