"""The pages: the plan section on the deal page, the plan page, completeness on the board
and the deal list, the Opportunities page, battlecards and the settings pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deals.models import Deal
from opportunities import services
from opportunities.models import (
    Competitor,
    OpportunityPlan,
    PlanPrompt,
    PlanPromptVersion,
    PlanSettings,
    StageRule,
    Stakeholder,
)
from tests.factories import AccountFactory

from .factories import full_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, rep):
    client.force_login(rep)
    return client


def test_the_deal_page_offers_to_start_a_plan(alice, deal):
    page = alice.get(f"/deals/{deal.pk}/").content.decode()

    assert "Start the opportunity plan" in page


def test_starting_and_saving_the_plan_in_the_browser(alice, deal, strategy):
    alice.post(f"/opportunities/deals/{deal.pk}/plan/start/")
    response = alice.post(
        f"/opportunities/deals/{deal.pk}/plan/",
        {"version": 1, "problem": "Quotes take a week", "strategy": strategy.pk},
    )

    assert response.status_code == 302
    plan = OpportunityPlan.objects.get(deal=deal)
    assert (plan.problem, plan.strategy, plan.version) == ("Quotes take a week", strategy, 2)
    page = alice.get(f"/deals/{deal.pk}/").content.decode()
    assert "22%" in page and "Quotes take a week" in page


def test_a_stale_form_says_so_and_keeps_the_other_edit(alice, manager, deal):
    plan = services.plan_create(actor=manager, deal=deal)
    services.plan_update(
        actor=manager, plan=plan, version=1, fields=services.PlanFields(problem="Theirs")
    )

    response = alice.post(
        f"/opportunities/deals/{deal.pk}/plan/", {"version": 1, "problem": "Mine"}, follow=True
    )

    assert "Someone else changed this plan" in response.content.decode()
    plan.refresh_from_db()
    assert plan.problem == "Theirs"


def test_adding_a_stakeholder_created_there_and_then(alice, deal):
    services.plan_create(actor=deal.owner, deal=deal)

    response = alice.post(
        f"/opportunities/deals/{deal.pk}/stakeholders/",
        {
            "new_first_name": "Nora",
            "new_last_name": "New",
            "new_job_title": "CFO",
            "buying_role": "economic_buyer",
            "stance": "neutral",
            "influence": "high",
        },
    )

    assert response.status_code == 302
    stakeholder = Stakeholder.objects.get(deal=deal)
    assert (stakeholder.contact.full_name, stakeholder.contact.account_id) == (
        "Nora New",
        deal.account_id,
    )


def test_a_stakeholder_without_a_person_is_a_form_error(alice, deal):
    services.plan_create(actor=deal.owner, deal=deal)

    response = alice.post(
        f"/opportunities/deals/{deal.pk}/stakeholders/",
        {"buying_role": "champion", "stance": "neutral", "influence": "high"},
    )

    assert response.status_code == 400
    assert "Pick a contact of the account, or name a new person." in response.content.decode()
    assert not Stakeholder.objects.exists()


def test_the_plan_page_shows_the_map_and_the_gaps(alice, deal, buyer, rep):
    services.stakeholder_add(
        actor=rep,
        deal=deal,
        contact=buyer,
        buying_role="blocker",
        stance="opposed",
        influence="high",
    )

    page = alice.get(f"/opportunities/deals/{deal.pk}/plan/").content.decode()

    assert 'class="chart stakeholder-map"' in page
    assert "No economic buyer" in page and "No champion" in page
    assert "An opposed high-influence stakeholder: Erin Buyer" in page


def test_another_teams_plan_page_is_a_404(client, other_rep, deal):
    client.force_login(other_rep)

    assert client.get(f"/opportunities/deals/{deal.pk}/plan/").status_code == 404
    assert client.post(f"/opportunities/deals/{deal.pk}/plan/start/").status_code == 404
    assert not OpportunityPlan.objects.exists()


@pytest.mark.parametrize("count", [10, 1000])
def test_the_plan_page_runs_a_bounded_number_of_queries(
    count,
    alice,
    rep,
    deal,
    buyer,
    champion,
    competitor,
    strategy,
    django_assert_max_num_queries,
):
    full_plan(deal, rep, buyer=buyer, champion=champion, competitor=competitor, strategy=strategy)
    _bulk_open_deals(rep, deal.pipeline, count)

    with django_assert_max_num_queries(30):
        response = alice.get(f"/opportunities/deals/{deal.pk}/plan/")
    assert response.status_code == 200


def _bulk_open_deals(owner, pipeline, count):
    stage = pipeline.stages.get(name="Proposal")
    account = AccountFactory(owner=owner)
    version = PlanPromptVersion.objects.first()
    deals = Deal.objects.bulk_create(
        [
            Deal(
                name=f"Bulk {i}",
                account=account,
                owner=owner,
                pipeline=pipeline,
                stage=stage,
                amount=1000 + i,
            )
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
    return deals


def test_completeness_shows_on_the_board_card_and_in_the_deal_list(alice, rep, deal):
    services.plan_create(actor=rep, deal=deal)

    board = alice.get("/deals/board/").content.decode()
    listing = alice.get("/deals/").content.decode()

    assert "Plan 0%" in board
    assert "Plan 0%" in listing


def test_the_opportunities_page_lists_deals_past_the_probability(alice, rep, deal, pipeline):
    # Prospecting is 10%: below the default 25%; Proposal is 50%
    proposal = pipeline.stages.get(name="Proposal")
    late = Deal.objects.create(
        name="Late stage",
        account=deal.account,
        owner=rep,
        pipeline=pipeline,
        stage=proposal,
        amount=20000,
    )
    services.plan_create(actor=rep, deal=late)

    page = alice.get("/opportunities/").content.decode()

    assert "Late stage" in page and "Acme rollout" not in page
    assert "No economic buyer" in page and "No strategy" in page
    filtered = alice.get("/opportunities/?plan=complete").content.decode()
    assert "Late stage" not in filtered


def test_stale_plans_are_marked(alice, rep, pipeline, deal):
    proposal = pipeline.stages.get(name="Proposal")
    moved = Deal.objects.create(
        name="Moved on",
        account=deal.account,
        owner=rep,
        pipeline=pipeline,
        stage=proposal,
        stage_entered_at=timezone.now() - timedelta(days=1),
    )
    plan = services.plan_create(actor=rep, deal=moved)
    OpportunityPlan.objects.filter(pk=plan.pk).update(
        touched_at=timezone.now() - timedelta(days=30)
    )

    page = alice.get("/opportunities/?plan=stale").content.decode()

    assert "Moved on" in page


@pytest.mark.parametrize("count", [10, 1000])
def test_the_opportunities_page_runs_a_bounded_number_of_queries(
    count, client, manager, rep, pipeline, django_assert_max_num_queries
):
    _bulk_open_deals(rep, pipeline, count)
    client.force_login(manager)

    with django_assert_max_num_queries(14):
        response = client.get("/opportunities/?sort=completeness")
    assert response.status_code == 200
    assert response.context["totals"]["count"] == count


def test_a_battlecard_shows_the_win_rate_against_the_competitor(alice, competitor):
    page = alice.get(f"/opportunities/competitors/{competitor.pk}/").content.decode()

    assert "Northwind CRM" in page and "Time to value" in page
    assert "No closed deals against them yet" in page


def test_settings_are_for_admins_only(alice, client, admin):
    assert alice.get("/opportunities/settings/").status_code == 404
    client.force_login(admin)
    assert client.get("/opportunities/settings/").status_code == 200


def test_an_admin_rewords_a_prompt_and_old_plans_keep_theirs(client, admin, rep, deal):
    plan = services.plan_create(actor=rep, deal=deal)
    prompt = PlanPrompt.objects.get(section="problem")
    client.force_login(admin)

    client.post(
        f"/opportunities/settings/prompts/{prompt.pk}/",
        {"text": "What keeps the buyer awake?", "order": 0, "is_active": "on"},
    )

    plan.refresh_from_db()
    latest = PlanPromptVersion.objects.order_by("-number").first()
    assert latest.prompt_for("problem") == "What keeps the buyer awake?"
    assert plan.prompt_version.prompt_for("problem").startswith("What business problem")


def test_an_admin_adds_a_question_that_counts_toward_completeness(client, admin, rep, deal):
    client.force_login(admin)
    client.post(
        "/opportunities/settings/",
        {"action": "prompt", "section": "extra", "text": "What is the budget?", "order": 9},
    )

    plan = services.plan_create(actor=rep, deal=deal)

    assert plan.missing[-1] == "an answer to “What is the budget?”"


def test_an_admin_sets_a_gate_and_the_numbers(client, admin, deal):
    client.force_login(admin)

    client.post("/opportunities/settings/", {"action": "gates", "gated": [deal.stage_id]})
    client.post(
        "/opportunities/settings/",
        {
            "action": "numbers",
            "stale_after_days": 7,
            "min_sample": 5,
            "opportunity_probability": 50,
        },
    )
    bad = client.post(
        "/opportunities/settings/",
        {
            "action": "numbers",
            "stale_after_days": 7,
            "min_sample": 5,
            "opportunity_probability": 150,
        },
    )

    assert StageRule.objects.get(stage=deal.stage).requires_complete_plan is True
    assert PlanSettings.objects.get().opportunity_probability == 50
    assert bad.status_code == 400
    assert "between 0 and 100%" in bad.content.decode()


def test_an_admin_edits_a_battlecard(client, admin, competitor):
    client.force_login(admin)

    client.post(
        f"/opportunities/settings/competitors/{competitor.pk}/",
        {
            "name": "Northwind CRM",
            "kind": "vendor",
            "landmines": "Ask about go-live",
            "is_active": "on",
        },
    )

    assert Competitor.objects.get(pk=competitor.pk).landmines == "Ask about go-live"


def test_the_board_gate_refusal_names_what_is_missing(alice, admin, rep, deal, pipeline):
    services.stage_rule_set(actor=admin, stage=deal.stage, requires_complete_plan=True)
    discovery = pipeline.stages.get(name="Discovery")

    response = alice.post(
        f"/deals/{deal.pk}/move/",
        {"stage": discovery.pk, "version": deal.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "needs a complete opportunity plan" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage.name == "Prospecting"


def test_the_api_move_refused_by_the_gate_is_a_400(admin, rep, deal, pipeline):
    from tests.conftest import api_for

    services.stage_rule_set(actor=admin, stage=deal.stage, requires_complete_plan=True)
    response = api_for(rep).post(
        f"/api/v1/deals/{deal.pk}/move/",
        {"stage": pipeline.stages.get(name="Discovery").pk, "version": deal.version},
        format="json",
    )

    assert response.status_code == 400
    assert "needs a complete opportunity plan" in response.json()["stage"][0]


def test_the_what_works_page_renders_the_chart(client, manager):
    client.force_login(manager)

    response = client.get("/opportunities/what-works/?group_by=coverage")

    assert response.status_code == 200
    assert "Win rate by stakeholder coverage" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/opportunities/?owner=abc&plan=zzz&gap=x&sort=--",
        "/opportunities/?page=999",
        "/opportunities/what-works/?owner=99999&team=abc&from=later",
        "/opportunities/what-works/?group_by=zodiac",
    ],
)
def test_bad_parameters_never_give_a_500(client, manager, path):
    client.force_login(manager)

    assert client.get(path).status_code in (200, 400)


def test_an_unknown_settings_list_is_a_404(client, admin):
    client.force_login(admin)

    assert client.get("/opportunities/settings/zodiac/new/").status_code == 404
