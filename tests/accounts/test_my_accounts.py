"""My accounts (the account manager's key accounts) and the manager's portfolio."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.health.models import AccountHealth
from accounts.models import Account
from accounts.plans.models import AccountPlan as AccountPlanModel
from deals.models import Deal
from tests.factories import AccountFactory, DealFactory

pytestmark = pytest.mark.django_db


def managed(owner, account_manager, name, score=None, band=None, **kwargs):
    account = AccountFactory(
        owner=owner, account_manager=account_manager, is_managed=True, name=name, **kwargs
    )
    if score is not None:
        AccountHealth.objects.create(account=account, score=score, band=band, signals=[])
    return account


def names(response):
    return [a.name for a in response.context["page"]]


def test_my_accounts_lists_the_accounts_i_manage_with_their_figures(client, rep, kam, manager):
    # given Kim manages two accounts alice owns, and one more is managed by nobody
    acme = managed(rep, kam, "Acme", 82, "healthy")
    managed(rep, kam, "Globex", 35, "at_risk")
    managed(rep, None, "Initech")
    deal = DealFactory(owner=rep, account=acme, amount=12000)
    Deal.objects.filter(pk=deal.pk).update(
        status=Deal.Status.WON, closed_at=timezone.now() - timedelta(days=30)
    )
    DealFactory(owner=rep, account=acme, amount=5000)
    client.force_login(kam)
    # when Kim opens My accounts
    page = client.get("/accounts/mine/")
    # then she sees her two, with health and what deals knows
    assert page.status_code == 200
    assert names(page) == ["Acme", "Globex"]
    row = page.context["page"][0]
    assert (row.won_revenue_12m, row.open_pipeline) == (Decimal("12000"), Decimal("5000"))
    body = page.content.decode()
    assert "82 · Healthy" in body and "35 · At risk" in body
    assert "12,000" in body


def test_my_accounts_filters_and_sorts(client, rep, kam):
    managed(rep, kam, "Acme", 82, "healthy")
    managed(rep, kam, "Globex", 35, "at_risk")
    managed(rep, kam, "Hooli", 55, "watch")
    managed(rep, kam, "Initech")
    client.force_login(kam)
    assert names(client.get("/accounts/mine/?band=at_risk")) == ["Globex"]
    assert names(client.get("/accounts/mine/?band=none")) == ["Initech"]
    assert names(client.get("/accounts/mine/?sort=health")) == [
        "Globex",
        "Hooli",
        "Acme",
        "Initech",
    ]
    assert names(client.get("/accounts/mine/?sort=-health")) == [
        "Acme",
        "Hooli",
        "Globex",
        "Initech",
    ]
    assert names(client.get("/accounts/mine/?q=hoo")) == ["Hooli"]


def test_bad_filters_and_sorting_fall_back_instead_of_failing(client, rep, kam):
    managed(rep, kam, "Acme", 82, "healthy")
    client.force_login(kam)
    response = client.get("/accounts/mine/?band=bogus&status=x&sort=drop+table&page=zz")
    assert response.status_code == 200
    assert names(response) == ["Acme"]


def test_my_accounts_shows_nothing_of_another_teams_accounts(client, rep, kam, other_kam):
    managed(rep, kam, "Acme", 82, "healthy")
    client.force_login(other_kam)
    response = client.get("/accounts/mine/")
    assert names(response) == []
    assert "You manage no key accounts yet" in response.content.decode()


def test_my_accounts_is_for_roles_running_account_management(client, rep):
    client.force_login(rep)  # an inside rep does not run account management
    assert client.get("/accounts/mine/").status_code == 403


def bulk_managed(owner, account_manager, count):
    Account.objects.bulk_create(
        Account(
            name=f"Bulk {n:04d}",
            domain=f"bulk{n}.test",
            owner=owner,
            account_manager=account_manager,
            is_managed=True,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_my_accounts_runs_a_bounded_number_of_queries(
    client, rep, kam, count, django_assert_max_num_queries
):
    bulk_managed(rep, kam, count)
    client.force_login(kam)
    with django_assert_max_num_queries(8):
        response = client.get("/accounts/mine/?sort=-won_revenue_12m")
    assert len(response.context["page"]) == min(count, 25)


@pytest.mark.parametrize("count", [10, 1000])
def test_the_portfolio_runs_a_bounded_number_of_queries(
    client, rep, kam, manager, count, django_assert_max_num_queries
):
    bulk_managed(rep, kam, count)
    client.force_login(manager)
    with django_assert_max_num_queries(11):
        response = client.get("/accounts/portfolio/")
    assert response.context["summary"]["total"] == count


def test_the_portfolio_shows_the_teams_health_distribution_and_accounts_at_risk(
    client, rep, teammate, kam, manager, other_rep, other_kam
):
    managed(rep, kam, "Acme", 82, "healthy")
    managed(teammate, kam, "Globex", 35, "at_risk")
    managed(rep, kam, "Hooli", 31, "at_risk")
    managed(other_rep, other_kam, "Soylent", 10, "at_risk")  # South: not shown
    client.force_login(manager)
    response = client.get("/accounts/portfolio/")
    summary = response.context["summary"]
    assert (summary["total"], summary["healthy"], summary["at_risk"]) == (3, 1, 2)
    assert dict(summary["buckets"])["30–39"] == 2
    assert [a.name for a in response.context["at_risk"]] == ["Hooli", "Globex"]
    body = response.content.decode()
    assert "<svg" in body and "Soylent" not in body
    assert response.context["by_manager"] == [
        {"name": f"Kim {kam.last_name}", "accounts": 3, "at_risk": 2, "average": 49}
    ]


def test_the_portfolio_is_a_404_for_a_rep(client, kam):
    client.force_login(kam)
    assert client.get("/accounts/portfolio/").status_code == 403


def test_the_account_page_shows_health_with_its_reasons(client, rep, kam):
    account = managed(rep, kam, "Acme")
    AccountHealth.objects.create(
        account=account,
        score=67,
        band="watch",
        signals=[
            {
                "key": "calls.last_held_call",
                "label": "x",
                "value": 74,
                "points": -18,
                "reason": "No held call for 74 days",
            },
            {
                "key": "deals.lost_recently",
                "label": "y",
                "value": 0,
                "points": 0,
                "reason": "No deal lost",
            },
        ],
    )
    client.force_login(kam)
    body = client.get(f"/accounts/companies/{account.pk}/").content.decode()
    assert "67 · Watch" in body
    assert "No held call for 74 days: -18" in body
    assert "No deal lost" not in body


def test_my_accounts_shows_plan_status_and_overdue_actions(client, rep, kam, manager):
    from datetime import date

    from accounts.plans import services as plans

    acme = managed(rep, kam, "Acme")
    managed(rep, kam, "Globex")
    plan = plans.account_plan_create(actor=kam, account=acme, period="FY2027")
    plans.account_plan_submit(actor=kam, plan=plan)
    plans.account_plan_approve(actor=manager, plan=plan)
    AccountPlanModel.objects.filter(pk=plan.pk).update(
        approved_at=timezone.now() - timedelta(days=120)
    )
    plans.account_action_save(
        actor=kam,
        plan=plan,
        data=plans.ActionInput(description="QBR", owner=kam, due_date=date(2020, 1, 1)),
    )
    client.force_login(kam)
    response = client.get("/accounts/mine/?sort=-overdue")
    rows = [(a.name, a.plan_status, a.overdue_actions) for a in response.context["page"]]
    assert rows == [("Acme", "due_for_review", 1), ("Globex", "none", 0)]
    assert "Due for review" in response.content.decode()
