"""The deal list (page and API) sorts and filters by the opportunity plan, through the
registry's DealListField (deals does not import opportunities)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from deals.models import Deal
from opportunities.models import OpportunityPlan, PlanPromptVersion
from tests.conftest import api_for
from tests.factories import AccountFactory, DealFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def plans(rep, pipeline):
    """Four open deals of Alice's: no plan, 40%, complete, and a stale 70% plan."""
    proposal = pipeline.stages.get(name="Proposal")
    account = AccountFactory(owner=rep)
    version = PlanPromptVersion.objects.first()

    def deal(name, **extra):
        return DealFactory(
            owner=rep, pipeline=pipeline, stage=proposal, account=account, name=name, **extra
        )

    none = deal("Planless deal")
    partial = deal("Partial deal")
    complete = deal("Complete deal")
    stale = deal("Stale deal")
    Deal.objects.filter(pk=stale.pk).update(stage_entered_at=timezone.now() - timedelta(days=1))
    OpportunityPlan.objects.create(deal=partial, prompt_version=version, completeness=40)
    OpportunityPlan.objects.create(deal=complete, prompt_version=version, completeness=100)
    OpportunityPlan.objects.create(
        deal=stale,
        prompt_version=version,
        completeness=70,
        touched_at=timezone.now() - timedelta(days=60),
    )
    return {"none": none, "partial": partial, "complete": complete, "stale": stale}


def names(response):
    return [deal.name for deal in response.context["page"].object_list]


def test_the_deal_list_sorts_by_plan_completeness(alice, plans):
    ascending = alice.get("/deals/?sort=plan")
    descending = alice.get("/deals/?sort=-plan")

    assert names(ascending) == ["Partial deal", "Stale deal", "Complete deal", "Planless deal"]
    assert names(descending) == ["Complete deal", "Stale deal", "Partial deal", "Planless deal"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("none", ["Planless deal"]),
        ("incomplete", ["Partial deal"]),
        ("complete", ["Complete deal"]),
        ("stale", ["Stale deal"]),
    ],
)
def test_the_deal_list_filters_by_plan_status(alice, plans, status, expected):
    response = alice.get(f"/deals/?plan={status}")

    assert names(response) == expected


def test_the_deal_list_shows_the_plan_controls_to_a_rep(alice, plans):
    page = alice.get("/deals/").content.decode()

    assert '<select id="f-plan" name="plan">' in page
    assert '<option value="stale">Stale</option>' in page
    assert "sort=plan" in page


def test_an_unknown_plan_filter_on_the_page_is_ignored(alice, plans):
    response = alice.get("/deals/?plan=bogus&sort=plan")

    assert response.status_code == 200
    assert len(names(response)) == 4


def test_a_role_without_the_process_gets_no_plan_controls_and_no_plan_filter(db, roles):
    account_manager = UserFactory(username="am", role=roles["account-manager"])
    DealFactory(owner=account_manager, name="Their deal")
    from django.test import Client

    client = Client()
    client.force_login(account_manager)

    response = client.get("/deals/?plan=complete&sort=plan")

    # the "Export CSV" link repeats the address as typed; no plan control may carry it
    page = re.sub(r"<a [^>]*data-export-csv[^>]*>.*?</a>", "", response.content.decode())
    assert response.status_code == 200
    assert 'name="plan"' not in page and "sort=plan" not in page
    assert names(response) == ["Their deal"]


def test_the_deal_list_stays_visible_only_to_its_owner(alice, plans, other_rep, pipeline):
    theirs = DealFactory(owner=other_rep, pipeline=pipeline, name="South deal")
    OpportunityPlan.objects.create(
        deal=theirs, prompt_version=PlanPromptVersion.objects.first(), completeness=100
    )

    assert names(alice.get("/deals/?plan=complete")) == ["Complete deal"]
    ids = [
        row["id"]
        for row in api_for(plans["none"].owner)
        .get("/api/v1/deals/?plan=complete")
        .json()["results"]
    ]
    assert ids == [plans["complete"].pk]


@pytest.mark.parametrize("count", [10, 1000])
def test_sorting_and_filtering_by_plan_runs_a_bounded_number_of_queries(
    count, client, manager, rep, pipeline, django_assert_max_num_queries
):
    proposal = pipeline.stages.get(name="Proposal")
    account = AccountFactory(owner=rep)
    version = PlanPromptVersion.objects.first()
    deals = Deal.objects.bulk_create(
        [
            Deal(name=f"Bulk {i}", account=account, owner=rep, pipeline=pipeline, stage=proposal)
            for i in range(count)
        ]
    )
    OpportunityPlan.objects.bulk_create(
        [
            OpportunityPlan(deal=d, prompt_version=version, completeness=i % 101)
            for i, d in enumerate(deals)
            if i % 2
        ]
    )
    client.force_login(manager)

    with django_assert_max_num_queries(12):  # +2: the bulk bar's owners and stages
        page = client.get("/deals/?sort=-plan&plan=incomplete")
    with django_assert_max_num_queries(12):  # +2: the bulk bar's owners and stages
        api = api_for(manager).get("/api/v1/deals/?ordering=-plan&plan=incomplete")

    incomplete = [i for i in range(count) if i % 2 and i % 101 < 100]
    most_complete = min(incomplete, key=lambda i: (-(i % 101), i))
    assert page.context["totals"]["count"] == len(incomplete)
    assert api.json()["count"] == len(incomplete)
    assert names(page)[0] == f"Bulk {most_complete}"
    assert api.json()["results"][0]["name"] == f"Bulk {most_complete}"


def test_the_api_sorts_and_filters_by_plan(rep, plans):
    api = api_for(rep)

    descending = api.get("/api/v1/deals/?ordering=-plan").json()["results"]
    stale = api.get("/api/v1/deals/?plan=stale").json()["results"]

    assert [row["name"] for row in descending] == [
        "Complete deal",
        "Stale deal",
        "Partial deal",
        "Planless deal",
    ]
    assert [row["name"] for row in stale] == ["Stale deal"]


def test_an_unknown_plan_filter_over_the_api_is_a_400(rep, plans):
    response = api_for(rep).get("/api/v1/deals/?plan=bogus")

    assert response.status_code == 400
    assert "plan" in response.json()
