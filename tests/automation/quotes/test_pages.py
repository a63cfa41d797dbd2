"""The rep's, manager's and admin's pages: happy paths, two teams, bad input, queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from automation.quotes import services
from automation.quotes.models import Quote, QuoteLine, TermsTemplate

from .conftest import reload


def u(name, *args):
    return reverse(f"automation:quotes:{name}", args=args)


def line_post(lines, **header):
    data = {
        "title": "Rollout",
        "currency": "EUR",
        "discount_percent": "0",
        "tax_rate": "20",
        "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "terms": "Net 30",
        "cover_letter": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        **header,
    }
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{index}-{key}"] = value
    return data


def test_the_deal_page_shows_its_quotes_and_new_quote(client, rep, deal, quote):
    client.force_login(rep)
    html = client.get(deal.get_absolute_url()).content.decode()
    assert quote.number in html and "New quote" in html
    assert u("quote_create", deal.pk) in html


def test_new_quote_from_the_deal_opens_the_editor(client, rep, deal):
    client.force_login(rep)
    response = client.post(u("quote_create", deal.pk))
    quote = Quote.objects.get(deal=deal)
    assert response.status_code == 302 and response["Location"] == u("quote_edit", quote.pk)
    page = client.get(u("quote_edit", quote.pk))
    assert page.status_code == 200 and "Widget licence" in page.content.decode()


def test_the_editor_saves_lines_and_header(client, rep, quote):
    client.force_login(rep)
    data = line_post(
        [
            {"description": "Setup", "quantity": "1", "unit_price": "500", "discount_percent": "0"},
            {
                "description": "Licence",
                "quantity": "4",
                "unit_price": "99.5",
                "discount_percent": "5",
            },
            {"description": "", "quantity": "", "unit_price": "", "discount_percent": ""},
        ]
    )
    response = client.post(u("quote_edit", quote.pk), data)
    assert response.status_code == 302
    quote = reload(quote)
    assert list(quote.lines.values_list("description", flat=True)) == ["Setup", "Licence"]
    assert (quote.subtotal, quote.total, quote.terms) == (
        Decimal("878.10"),
        Decimal("1053.72"),
        "Net 30",
    )


def test_the_editor_shows_errors_for_bad_input_and_saves_nothing(client, rep, quote):
    client.force_login(rep)
    data = line_post(
        [{"description": "Setup", "quantity": "-2", "unit_price": "abc", "discount_percent": "0"}],
        discount_percent="150",
        valid_until=(timezone.localdate() - timedelta(days=1)).isoformat(),
    )
    response = client.post(u("quote_edit", quote.pk), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 0.01" in html
    assert "Enter a number" in html
    assert reload(quote).total == Decimal("1601.96") and quote.lines.count() == 2
    # a past validity date is the service's error, shown on the form
    ok_lines = [{"description": "A", "quantity": "1", "unit_price": "1", "discount_percent": "0"}]
    response = client.post(
        u("quote_edit", quote.pk),
        line_post(ok_lines, valid_until=(timezone.localdate() - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 400 and "can&#x27;t be in the past" in response.content.decode()


def test_the_send_page_sends(client, rep, quote, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(rep)
    assert client.get(u("quote_send", quote.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(u("quote_send", quote.pk), {"to": "pat@cust.test", "message": ""})
    assert response.status_code == 302
    assert reload(quote).status == Quote.Status.SENT and mailoutbox[0].to == ["pat@cust.test"]
    detail = client.get(u("quote_detail", quote.pk)).content.decode()
    assert services.public_url(reload(quote)) in detail


def test_the_send_page_says_approval_is_needed(client, rep, quote):
    services.quote_update(actor=rep, quote=quote, data={"discount_percent": Decimal("30")})
    client.force_login(rep)
    response = client.post(u("quote_send", quote.pk), {"to": "pat@cust.test"})
    assert response.status_code == 400 and "must approve" in response.content.decode()
    assert reload(quote).status == Quote.Status.DRAFT


def test_the_manager_approves_on_the_page(client, rep, manager, quote):
    services.quote_update(actor=rep, quote=quote, data={"discount_percent": Decimal("30")})
    client.force_login(rep)
    client.post(u("quote_request_approval", quote.pk), {"note": "Please"})
    html = client.get(u("quote_detail", quote.pk)).content.decode()
    assert "Awaiting approval" in html and u("quote_approve", quote.pk) not in html
    client.force_login(manager)
    listing = client.get(u("quote_list") + "?approval=mine").content.decode()
    assert quote.number in listing
    assert u("quote_approve", quote.pk) in client.get(u("quote_detail", quote.pk)).content.decode()
    client.post(u("quote_approve", quote.pk), {"note": ""})
    assert reload(quote).approval == Quote.Approval.APPROVED


def test_a_rep_posting_approve_changes_nothing(client, rep, quote):
    services.quote_update(actor=rep, quote=quote, data={"discount_percent": Decimal("30")})
    services.quote_request_approval(actor=rep, quote=quote)
    client.force_login(rep)
    response = client.post(u("quote_approve", quote.pk))
    assert response.status_code == 403
    assert reload(quote).approval == Quote.Approval.PENDING


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("quote_detail", "get"),
        ("quote_edit", "get"),
        ("quote_edit", "post"),
        ("quote_pdf", "get"),
        ("quote_send", "post"),
        ("quote_revise", "post"),
        ("quote_request_approval", "post"),
        ("quote_approve", "post"),
        ("quote_reject", "post"),
    ],
)
def test_another_teams_rep_gets_404_and_nothing_changes(client, other_rep, quote, name, method):
    services.quote_update(actor=quote.deal.owner, quote=quote, data={"discount_percent": 30})
    before = reload(quote)
    client.force_login(other_rep)
    response = getattr(client, method)(u(name, quote.pk), {"to": "x@y.test", "note": "no"})
    assert response.status_code == 404
    after = reload(quote)
    assert (after.status, after.approval, after.total, after.updated_at) == (
        before.status,
        before.approval,
        before.total,
        before.updated_at,
    )
    assert Quote.objects.count() == 1


def test_another_teams_rep_cannot_make_a_quote_on_the_deal(client, other_rep, deal):
    client.force_login(other_rep)
    assert client.post(u("quote_create", deal.pk)).status_code == 404
    assert not Quote.objects.exists()


def test_the_list_shows_only_visible_quotes(client, rep, manager, other_rep, quote, other_deal):
    other = services.quote_create(actor=other_rep, deal=other_deal)
    client.force_login(rep)
    html = client.get(u("quote_list")).content.decode()
    assert quote.number in html and other.number not in html
    client.force_login(other_rep)
    html = client.get(u("quote_list")).content.decode()
    assert other.number in html and quote.number not in html


@pytest.mark.parametrize("rows", [10, 1000])
def test_quote_pages_run_a_bounded_number_of_queries(
    client, rep, deal, quote, rows, django_assert_max_num_queries
):
    lines = list(quote.lines.all())
    fields = {
        f: getattr(quote, f)
        for f in (
            "deal_id",
            "currency",
            "tax_rate",
            "valid_until",
            "list_total",
            "subtotal",
            "discount_amount",
            "net_total",
            "tax_amount",
            "total",
            "status",
        )
    }
    made = Quote.objects.bulk_create(
        [Quote(number=f"Q-2099-{n:04d}", **fields) for n in range(rows)]
    )
    QuoteLine.objects.bulk_create(
        QuoteLine(quote=made[0], description=f"Line {n}", quantity=1, unit_price=1, total=1)
        for n in range(rows)
    )
    client.force_login(rep)
    with django_assert_max_num_queries(7):
        assert client.get(u("quote_list")).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(u("quote_list") + "?status=draft&q=Q-2099").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(u("quote_detail", made[0].pk)).status_code == 200
    with django_assert_max_num_queries(8):  # + the email templates for the cover letter
        assert client.get(u("quote_edit", quote.pk)).status_code == 200
    # the deal page with every panel (quotes, tasks, notes, email templates...): a bound
    # that does not move with the number of quotes
    with django_assert_max_num_queries(24):
        assert client.get(deal.get_absolute_url()).status_code == 200
    assert len(lines) == 2


def test_admin_settings_page_saves_and_validates(client, admin, rep, company):
    client.force_login(admin)
    assert client.get(u("settings")).status_code == 200
    data = {
        "name": "Acme Group",
        "address": "2 Dock Road",
        "email": "hi@acme.test",
        "phone": "",
        "tax_rate": "19",
        "approval_threshold": "12.5",
        "validity_days": "14",
        "default_currency": "usd",
    }
    assert client.post(u("settings"), data).status_code == 302
    row = services.company_settings()
    assert (row.name, row.tax_rate, row.default_currency) == ("Acme Group", Decimal("19.00"), "USD")
    response = client.post(u("settings"), {**data, "tax_rate": "250", "default_currency": "EURO"})
    assert response.status_code == 400
    assert services.company_settings().tax_rate == Decimal("19.00")
    # reps don't see the settings
    client.force_login(rep)
    assert client.get(u("settings")).status_code == 404
    assert client.post(u("settings"), data).status_code == 404


def test_terms_templates_are_admin_managed_and_fill_the_quote(client, admin, rep, quote):
    client.force_login(admin)
    response = client.post(
        u("terms_new"),
        {"name": "Standard", "body": "Payment in 30 days.", "is_default": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    template = TermsTemplate.objects.get()
    assert client.post(u("terms_new"), {"name": "Standard", "body": ""}).status_code == 400
    services.quote_update(actor=rep, quote=quote, data={"terms_template": template})
    assert reload(quote).terms == "Payment in 30 days."
    client.force_login(rep)
    assert client.post(u("terms_edit", template.pk), {"name": "x", "body": "y"}).status_code == 404
    assert TermsTemplate.objects.get().name == "Standard"


def test_a_role_without_sales_automation_is_told_so(client, roles, north, deal, quote):
    from tests.factories import RoleFactory, UserFactory

    role = RoleFactory(slug="calls-only", processes=["calls", "deals"])
    caller = UserFactory(username="caller", role=role, team=north)
    client.force_login(caller)
    assert client.get(u("quote_list")).status_code == 403
    assert client.post(u("quote_create", deal.pk)).status_code == 403
    assert Quote.objects.count() == 1
