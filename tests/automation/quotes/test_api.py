"""/api/v1/quotes/: fields kept, pdf/, send/, revise/, approvals, two teams, bad input."""

from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from automation.quotes import services
from automation.quotes.models import Quote

from .conftest import reload

KEPT = {"id", "deal", "number", "version", "status", "total"}


def test_create_from_a_deal_and_read_it(api_as, rep, deal):
    api = api_as(rep)
    response = api.post("/api/v1/quotes/", {"deal": deal.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= KEPT
    assert (body["deal"], body["version"], body["status"], body["total"]) == (
        deal.pk,
        1,
        "draft",
        "1601.96",
    )
    assert body["number"].startswith("Q-") and len(body["lines"]) == 2
    listing = api.get("/api/v1/quotes/").json()
    assert [row["id"] for row in listing["results"]] == [body["id"]]


def test_patch_lines_with_a_total_that_adds_up(api_as, rep, quote):
    api = api_as(rep)
    lines = [{"description": "Day", "quantity": "2", "unit_price": "100.00"}]
    response = api.patch(
        f"/api/v1/quotes/{quote.pk}/",
        {"lines": lines, "discount_percent": "5", "expected_total": "228.00"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["total"] == "228.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expected_total": "999.00"}, "total"),
        ({"discount_percent": "120"}, "discount_percent"),
        ({"lines": [{"description": "x", "quantity": "0", "unit_price": "1"}]}, "lines"),
        ({"lines": [{"description": "", "quantity": "1", "unit_price": "1"}]}, "lines"),
        ({"valid_until": "2001-01-01"}, "valid_until"),
        ({"currency": "EURO"}, "currency"),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_changes_nothing(api_as, rep, quote, body, field):
    response = api_as(rep).patch(f"/api/v1/quotes/{quote.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert reload(quote).total == Decimal("1601.96") and quote.lines.count() == 2


def test_pdf_answers_application_pdf(api_as, rep, quote):
    response = api_as(rep).get(f"/api/v1/quotes/{quote.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert quote.number in text


def test_send_then_revise(api_as, rep, quote, mailoutbox, django_capture_on_commit_callbacks):
    api = api_as(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/quotes/{quote.pk}/send/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sent" and response.json()["public_url"]
    assert len(mailoutbox) == 1
    again = api.post(f"/api/v1/quotes/{quote.pk}/send/", {}, format="json")
    assert again.status_code == 400
    revised = api.post(f"/api/v1/quotes/{quote.pk}/revise/", {}, format="json")
    assert revised.status_code == 201
    assert (revised.json()["number"], revised.json()["version"]) == (quote.number, 2)
    assert (
        api.patch(f"/api/v1/quotes/{quote.pk}/", {"title": "x"}, format="json").status_code == 400
    )


def test_send_to_a_bad_address_is_a_400(api_as, rep, quote):
    response = api_as(rep).post(f"/api/v1/quotes/{quote.pk}/send/", {"to": "nope"}, format="json")
    assert response.status_code == 400 and "to" in response.json()
    assert reload(quote).status == Quote.Status.DRAFT


def test_approval_flow_over_the_api(api_as, rep, manager, quote):
    services.quote_update(actor=rep, quote=quote, data={"discount_percent": Decimal("25")})
    api = api_as(rep)
    assert api.post(f"/api/v1/quotes/{quote.pk}/send/", {}, format="json").status_code == 400
    response = api.post(
        f"/api/v1/quotes/{quote.pk}/request-approval/", {"note": "Please"}, format="json"
    )
    assert response.status_code == 200 and response.json()["approval_state"] == "pending"
    assert api.post(f"/api/v1/quotes/{quote.pk}/approve/", {}, format="json").status_code == 403
    boss = api_as(manager)
    assert boss.post(f"/api/v1/quotes/{quote.pk}/reject/", {}, format="json").status_code == 400
    response = boss.post(f"/api/v1/quotes/{quote.pk}/reject/", {"note": "Too much"}, format="json")
    assert response.json()["approval"] == "rejected"
    api.post(f"/api/v1/quotes/{quote.pk}/request-approval/", {}, format="json")
    assert boss.post(f"/api/v1/quotes/{quote.pk}/approve/", {}, format="json").status_code == 200
    assert api.post(f"/api/v1/quotes/{quote.pk}/send/", {}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", ""),
        ("get", "pdf/"),
        ("post", "send/"),
        ("post", "revise/"),
        ("post", "request-approval/"),
        ("post", "approve/"),
        ("post", "reject/"),
    ],
)
def test_another_team_gets_404_and_nothing_changes(
    api_as, other_rep, other_manager, rep, quote, method, suffix
):
    services.quote_update(actor=rep, quote=quote, data={"discount_percent": Decimal("25")})
    services.quote_request_approval(actor=rep, quote=quote)
    before = reload(quote)
    for person in (other_rep, other_manager):
        response = getattr(api_as(person), method)(
            f"/api/v1/quotes/{quote.pk}/{suffix}", {"title": "x", "note": "n"}, format="json"
        )
        assert response.status_code == 404
    after = reload(quote)
    assert (after.title, after.status, after.approval, after.updated_at) == (
        before.title,
        before.status,
        before.approval,
        before.updated_at,
    )
    assert api_as(other_rep).get("/api/v1/quotes/").json()["count"] == 0


def test_a_quote_on_another_teams_deal_is_refused(api_as, other_rep, deal):
    response = api_as(other_rep).post("/api/v1/quotes/", {"deal": deal.pk}, format="json")
    assert response.status_code == 400 and "deal" in response.json()
    assert not Quote.objects.exists()


def test_the_manager_and_admin_see_the_team_quote(api_as, manager, admin, quote):
    for person in (manager, admin):
        assert api_as(person).get(f"/api/v1/quotes/{quote.pk}/").status_code == 200


def test_anonymous_gets_nothing(api, quote):
    assert api.get("/api/v1/quotes/").status_code in (401, 403)
