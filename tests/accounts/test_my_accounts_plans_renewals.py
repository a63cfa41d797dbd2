"""My accounts: the plan-status filter and the next renewal (from deals); the portfolio's
plans due for review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.plans import services as plans
from accounts.plans.models import AccountPlan
from deals.models import Deal
from tests.accounts.test_my_accounts import managed, names
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def approved(kam, manager, account, *, days_ago):
    plan = plans.account_plan_create(actor=kam, account=account, period="FY2027")
    plans.account_plan_submit(actor=kam, plan=plan)
    plans.account_plan_approve(actor=manager, plan=plan)
    AccountPlan.objects.filter(pk=plan.pk).update(
        approved_at=timezone.now() - timedelta(days=days_ago)
    )
    return plan


@pytest.fixture
def book(rep, kam, manager):
    """Acme: plan approved 120 days ago (due, interval 91); Globex: approved 10 days ago;
    Initech: a draft; Umbrella: no plan."""
    acme, globex = managed(rep, kam, "Acme"), managed(rep, kam, "Globex")
    initech, umbrella = managed(rep, kam, "Initech"), managed(rep, kam, "Umbrella")
    approved(kam, manager, acme, days_ago=120)
    approved(kam, manager, globex, days_ago=10)
    plans.account_plan_create(actor=kam, account=initech, period="FY2027")
    return {"acme": acme, "globex": globex, "initech": initech, "umbrella": umbrella}


def test_my_accounts_filters_by_plan_status(client, kam, book):
    client.force_login(kam)
    expected = {
        "due_for_review": ["Acme"],
        "approved": ["Globex"],
        "draft": ["Initech"],
        "none": ["Umbrella"],
        "submitted": [],
        "": ["Acme", "Globex", "Initech", "Umbrella"],
        "nonsense": ["Acme", "Globex", "Initech", "Umbrella"],  # ignored, not a 500
    }
    for plan_status, accounts in expected.items():
        response = client.get(f"/accounts/mine/?plan={plan_status}")
        assert response.status_code == 200
        assert names(response) == accounts, plan_status
    assert 'name="plan"' in client.get("/accounts/mine/").content.decode()


def test_my_accounts_shows_the_next_renewal(client, rep, kam, book):
    # given Acme has open renewals closing in 40 and 200 days, a won one and a
    # new-business deal closing sooner
    today = timezone.localdate()
    for amount, days, kind, status in (
        (1000, 40, Deal.Type.RENEWAL, Deal.Status.OPEN),
        (2000, 200, Deal.Type.RENEWAL, Deal.Status.OPEN),
        (3000, 5, Deal.Type.RENEWAL, Deal.Status.WON),
        (4000, 2, Deal.Type.NEW_BUSINESS, Deal.Status.OPEN),
    ):
        deal = DealFactory(owner=rep, account=book["acme"], amount=amount)
        Deal.objects.filter(pk=deal.pk).update(
            deal_type=kind, status=status, expected_close_date=today + timedelta(days=days)
        )
    client.force_login(kam)
    response = client.get("/accounts/mine/")
    renewals = {
        a.name: {m.key: v for m, v in a.measure_values}["next_renewal"]
        for a in response.context["page"]
    }
    assert renewals == {
        "Acme": today + timedelta(days=40),
        "Globex": None,
        "Initech": None,
        "Umbrella": None,
    }
    body = response.content.decode()
    assert "Next renewal" in body
    assert (today + timedelta(days=40)).strftime("%-d %b %Y") in body


def test_the_portfolio_lists_the_plans_due_for_review(
    client, manager, other_manager, book, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(30):
        response = client.get("/accounts/portfolio/")
    assert [p.account.name for p in response.context["due_for_review"]] == ["Acme"]
    assert "Plans due for review" in response.content.decode()
    # another team's manager sees none of them
    client.force_login(other_manager)
    assert client.get("/accounts/portfolio/").context["due_for_review"] == []
