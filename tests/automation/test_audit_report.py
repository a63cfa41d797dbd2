"""The audit report: figures per category, role and person, candidates, comparison."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from automation.audit import selectors, services
from automation.audit.models import AuditCategory, TimeEntry
from salesproc.registry import report as registered_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories():
    return {c.name: c for c in AuditCategory.objects.all()}


def open_audit(manager, north, starts_on, name="Week"):
    return services.audit_open(actor=manager, name=name, starts_on=starts_on, teams=[north])


def log(audit, user, category, minutes, day_offset=0):
    return TimeEntry.objects.create(
        audit=audit,
        user=user,
        category=category,
        day=audit.starts_on + timedelta(days=day_offset),
        minutes=minutes,
    )


@pytest.fixture
def before(manager, rep, teammate, north, categories):
    audit = open_audit(manager, north, date(2026, 10, 5), "Before")
    log(audit, rep, categories["Preparing proposals and quotes"], 300)
    log(audit, teammate, categories["Preparing proposals and quotes"], 324)
    log(audit, rep, categories["Customer calls"], 240)
    log(audit, teammate, categories["Writing emails"], 120, 1)
    return audit


@pytest.fixture
def after(manager, rep, teammate, north, categories):
    audit = open_audit(manager, north, date(2026, 11, 23), "After")
    log(audit, rep, categories["Preparing proposals and quotes"], 114)
    log(audit, teammate, categories["Preparing proposals and quotes"], 114)
    log(audit, rep, categories["Customer calls"], 360)
    return audit


def test_the_report_adds_up_per_category_role_and_person(before, manager):
    report = selectors.audit_report(user=manager, audit=before)
    assert (report["people"], report["hours"], report["selling_hours"]) == (2, 16.4, 4.0)
    assert report["selling_share"] == 24  # 240 of 984 minutes
    assert report["non_selling_share"] == 76
    proposals = next(
        c for c in report["categories"] if c["name"] == "Preparing proposals and quotes"
    )
    assert (
        proposals["hours"],
        proposals["people"],
        proposals["per_person_week"],
        proposals["score"],
    ) == (10.4, 2, 5.2, 20.8)
    assert report["role_names"] == ["Field rep", "Inside rep"]
    assert proposals["by_role"] == [5.4, 5.0]
    assert [p["name"].split()[0] for p in report["persons"]] == ["Alice", "Bob"]
    assert proposals["by_person"] == [5.0, 5.4]
    alice = next(p for p in report["persons"] if p["name"].startswith("Alice"))
    assert (alice["hours"], alice["selling_share"]) == (9.0, 44)  # 240 of 540 minutes


def test_candidates_are_ranked_by_hours_times_people(before, manager):
    report = selectors.audit_report(user=manager, audit=before)
    assert [(c["name"], c["score"]) for c in report["candidates"]] == [
        ("Preparing proposals and quotes", 20.8),
        ("Writing emails", 2.0),
    ]
    emails = report["candidates"][1]
    assert emails["link"] == ("Email templates", reverse("automation:emails:template_list"))


def test_the_comparison_shows_the_change_per_rep_per_week(before, after, manager, api_as):
    rows = selectors.audit_comparison(
        before=selectors.audit_report(user=manager, audit=before),
        after=selectors.audit_report(user=manager, audit=after),
    )
    proposals = next(r for r in rows if r["name"] == "Preparing proposals and quotes")
    assert (proposals["before"], proposals["after"], proposals["change"]) == (5.2, 1.9, -3.3)
    response = api_as(manager).get(
        "/api/v1/reports/time-audit/", {"audit": after.pk, "compare": before.pk}
    )
    assert response.status_code == 200
    api_row = next(
        r for r in response.json()["comparison"] if r["name"] == "Preparing proposals and quotes"
    )
    assert (api_row["before"], api_row["after"]) == (5.2, 1.9)


def test_a_rep_sees_only_their_own_figures(before, rep, api_as):
    response = api_as(rep).get("/api/v1/reports/time-audit/", {"audit": before.pk})
    assert response.status_code == 200
    assert response.json()["report"]["people"] == 1
    assert response.json()["report"]["hours"] == 9.0


def test_another_team_gets_404_and_bad_input_400(before, other_manager, manager, api_as):
    assert (
        api_as(other_manager).get("/api/v1/reports/time-audit/", {"audit": before.pk}).status_code
        == 404
    )
    response = api_as(manager).get("/api/v1/reports/time-audit/", {"audit": "x"})
    assert response.status_code == 400
    assert "audit" in response.json()


def test_the_report_is_registered_for_scheduled_sends(before, manager):
    item = registered_report("automation.time_audit")
    columns, rows = item.rows(user=manager, params={"audit": before.pk})
    assert columns[0] == "Category"
    assert ["Preparing proposals and quotes", "no", 10.4, 2, 5.2, "Quotes and proposals"] in [
        list(r) for r in rows
    ]


def test_the_report_page_compares_two_audits(before, after, manager, client):
    client.force_login(manager)
    page = client.get(
        reverse("automation:audit:report", args=[after.pk]), {"compare": before.pk}
    ).content.decode()
    assert "Change per category" in page
    assert "<svg" in page
    assert '5.2 h</td><td class="num">1.9 h' in page
    assert "Set up quotes and proposals" in page or "Quotes and proposals" in page


@pytest.mark.parametrize("size", [10, 1000])
def test_audit_pages_run_a_bounded_number_of_queries(
    manager, rep, north, categories, client, api_as, django_assert_max_num_queries, size
):
    audit = open_audit(manager, north, date(2026, 11, 23))
    other = open_audit(manager, north, date(2026, 10, 5), "Earlier")
    names = list(categories.values())
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                audit=a,
                user=u,
                category=names[i % len(names)],
                day=a.starts_on + timedelta(days=i % 7),
                minutes=1,
            )
            for a in (audit, other)
            for u in (rep, manager)
            for i in range(size // 2)
        ]
    )
    client.force_login(manager)
    with django_assert_max_num_queries(25):
        assert (
            client.get(
                reverse("automation:audit:report", args=[audit.pk]), {"compare": other.pk}
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(20):
        assert client.get(reverse("automation:audit:week", args=[audit.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("automation:audit:audit_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            api_as(manager)
            .get("/api/v1/reports/time-audit/", {"audit": audit.pk, "compare": other.pk})
            .status_code
            == 200
        )
    with django_assert_max_num_queries(8):
        assert api_as(manager).get("/api/v1/time-entries/", {"audit": audit.pk}).status_code == 200
    with django_assert_max_num_queries(8):
        assert api_as(manager).get("/api/v1/time-audits/").status_code == 200
