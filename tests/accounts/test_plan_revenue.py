"""The account plan's Revenue section: won revenue within the plan's period against the
targets, the renewals falling in the period and the whitespace, on the page and the API."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from accounts.plans import services
from accounts.plans.models import AccountPlan
from accounts.plans.selectors import plan_period_dates, plan_revenue
from deals.models import Deal, LineItem
from tests.conftest import api_for
from tests.factories import AccountFactory, DealFactory, ProductFactory

pytestmark = pytest.mark.django_db


def won(account, amount, on, *, product=None):
    deal = DealFactory(owner=account.owner, account=account, amount=amount)
    closed = datetime.combine(on, datetime.min.time()).replace(hour=12, tzinfo=UTC)
    Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.WON, closed_at=closed)
    if product is not None:
        LineItem.objects.create(deal=deal, product=product, quantity=1, unit_price=amount)
    return deal


def renewal(account, name, amount, expected):
    deal = DealFactory(
        owner=account.owner, account=account, amount=amount, name=name, expected_close_date=expected
    )
    Deal.objects.filter(pk=deal.pk).update(deal_type=Deal.Type.RENEWAL)
    return deal


@pytest.fixture
def key_account(rep, kam):
    return AccountFactory(owner=rep, account_manager=kam, is_managed=True, name="Acme")


@pytest.fixture
def plan(kam, key_account):
    plan = services.account_plan_create(actor=kam, account=key_account, period="FY2027")
    AccountPlan.objects.filter(pk=plan.pk).update(
        retention_target=Decimal("50000"), growth_target=Decimal("80000")
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def figures(key_account):
    """30k + 25k won in 2027, 99k won in 2026 and 2028 (outside); renewals in and out
    of 2027; CRM bought, Analytics and Support not."""
    crm = ProductFactory(name="CRM")
    ProductFactory(name="Analytics")
    ProductFactory(name="Support")
    ProductFactory(name="Retired", is_active=False)
    won(key_account, 30000, date(2027, 1, 1), product=crm)
    won(key_account, 25000, date(2027, 12, 31))
    won(key_account, 99000, date(2026, 12, 31))
    won(key_account, 99000, date(2028, 1, 1))
    renewal(key_account, "Acme renewal 2027", 40000, date(2027, 6, 30))
    renewal(key_account, "Acme renewal 2028", 45000, date(2028, 6, 30))


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("FY2027", (date(2027, 1, 1), date(2027, 12, 31))),
        ("2027", (date(2027, 1, 1), date(2027, 12, 31))),
        ("2027-Q2", (date(2027, 4, 1), date(2027, 6, 30))),
        ("FY2027 Q4", (date(2027, 10, 1), date(2027, 12, 31))),
        ("Q1 2027", (date(2027, 1, 1), date(2027, 3, 31))),
        ("next year", None),
        ("2027-Q5", None),
        ("", None),
    ],
)
def test_it_reads_the_period_as_a_year_or_a_quarter(period, expected):
    assert plan_period_dates(period) == expected


def test_won_revenue_counts_only_the_plans_period(plan, figures):
    # when the plan's revenue is read (FY2027: 1 Jan to 31 Dec 2027)
    revenue = plan_revenue(plan)
    # then only the 30k and 25k won in 2027 count, against 50k retention and 80k growth
    assert revenue["won_in_period"] == Decimal("55000")
    assert revenue["against_retention"] == Decimal("5000")
    assert revenue["against_growth"] == Decimal("-25000")
    assert [(r["name"], r["amount"]) for r in revenue["renewals"]] == [
        ("Acme renewal 2027", Decimal("40000.00"))
    ]
    assert revenue["whitespace"] == ["Analytics", "Support"]


def test_an_unknown_period_shows_no_figures_but_the_whitespace(kam, key_account, figures):
    plan = services.account_plan_create(actor=kam, account=key_account, period="Launch")
    revenue = plan_revenue(plan)
    assert revenue["won_in_period"] is None
    assert revenue["against_retention"] is None
    assert revenue["renewals"] == []
    assert revenue["whitespace"] == ["Analytics", "Support"]


def test_the_plan_page_shows_the_revenue_section(client, kam, plan, figures):
    client.force_login(kam)
    page = client.get(f"/accounts/plans/{plan.pk}/").content.decode()
    section = page[page.index('id="plan-revenue"') :]
    assert "<dt>Won in the period</dt><dd>EUR 55,000</dd>" in section
    assert "EUR 55,000 of EUR 50,000" in section
    assert "EUR 55,000 of EUR 80,000" in section
    assert "(EUR -25,000)" in section
    assert "Acme renewal 2027: EUR 40,000" in section
    assert "Acme renewal 2028" not in section
    assert "<li>Analytics</li>" in section
    assert "<li>CRM</li>" not in section
    assert "Retired" not in section


def test_the_plan_api_carries_the_same_figures(kam, plan, figures):
    body = api_for(kam).get(f"/api/v1/account-plans/{plan.pk}/").json()
    assert (body["period"], body["status"], body["version"]) == ("FY2027", "draft", 1)
    revenue = body["revenue"]
    assert {k: revenue[k] for k in ("period_start", "period_end", "won_in_period")} == {
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "won_in_period": "55000.00",
    }
    assert (revenue["against_retention"], revenue["against_growth"]) == ("5000.00", "-25000.00")
    assert [r["name"] for r in revenue["renewals"]] == ["Acme renewal 2027"]
    assert revenue["whitespace"] == ["Analytics", "Support"]


def test_the_plan_list_stays_bounded_and_leaves_revenue_to_the_plan(
    kam, plan, figures, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        listed = api_for(kam).get("/api/v1/account-plans/").json()
    assert [(p["id"], p["revenue"]) for p in listed["results"]] == [(plan.pk, None)]


@pytest.mark.parametrize("persona", ["other_rep", "other_manager", "other_kam"])
def test_another_team_sees_no_revenue(client, request, persona, plan, figures):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(f"/accounts/plans/{plan.pk}/").status_code == 404
    assert api_for(user).get(f"/api/v1/account-plans/{plan.pk}/").status_code == 404
    assert api_for(user).get("/api/v1/account-plans/").json()["results"] == []
