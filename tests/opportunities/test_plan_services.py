"""The plan's services: completeness, what is missing, the version check, the stakeholder
rule, events on the deal's and account's timelines, and the stage gate."""

import pytest
from django.core.exceptions import ValidationError

from deals import services as deal_services
from deals.models import Deal
from opportunities import services
from opportunities.models import OpportunityPlan, StageRule, Stakeholder
from salesproc.errors import StaleVersion
from salesproc.events import timeline_for
from salesproc.models import Event
from tests.factories import ContactFactory

from .factories import full_plan

pytestmark = pytest.mark.django_db


def test_a_new_plan_is_empty_and_lists_all_nine_items_missing(rep, deal):
    plan = services.plan_create(actor=rep, deal=deal)

    assert plan.completeness == 0
    assert plan.missing == [
        "the business problem",
        "its impact",
        "the outcome the customer wants",
        "how they will decide (process and date)",
        "an economic buyer",
        "a champion",
        "the competition",
        "a win strategy",
        "a next step with a due date",
    ]
    assert plan.prompt_version.prompt_for("problem") == (
        "What business problem are you trying to solve for the customer?"
    )


def test_a_second_plan_for_the_same_deal_is_refused(rep, deal):
    services.plan_create(actor=rep, deal=deal)

    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=rep, deal=deal)

    assert exc.value.message_dict == {"deal": ["Acme rollout already has an opportunity plan."]}
    assert OpportunityPlan.objects.filter(deal=deal).count() == 1


def test_a_full_plan_is_complete(rep, deal, buyer, champion, competitor, strategy):
    plan = full_plan(
        deal, rep, buyer=buyer, champion=champion, competitor=competitor, strategy=strategy
    )

    assert (plan.completeness, plan.missing) == (100, [])


def test_completeness_counts_each_item(rep, deal, buyer):
    plan = services.plan_create(actor=rep, deal=deal)
    services.plan_update(
        actor=rep,
        plan=plan,
        version=plan.version,
        fields=services.PlanFields(problem="Slow quoting", impact="Lost deals"),
    )
    services.stakeholder_add(actor=rep, deal=deal, contact=buyer, buying_role="economic_buyer")

    plan.refresh_from_db()
    assert plan.completeness == 33  # 3 of 9
    assert "an economic buyer" not in plan.missing


def test_a_stale_version_is_refused_and_nothing_changes(rep, teammate, manager, deal):
    plan = services.plan_create(actor=rep, deal=deal)
    services.plan_update(
        actor=manager, plan=plan, version=1, fields=services.PlanFields(problem="Theirs")
    )

    with pytest.raises(StaleVersion) as exc:
        services.plan_update(
            actor=rep, plan=plan, version=1, fields=services.PlanFields(problem="Mine")
        )

    plan.refresh_from_db()
    assert (plan.problem, plan.version) == ("Theirs", 2)
    assert exc.value.current_version == 2


def test_a_stakeholder_must_be_a_contact_of_the_deals_account(rep, deal):
    stranger = ContactFactory(owner=rep, first_name="Sam", last_name="Else")

    with pytest.raises(ValidationError) as exc:
        services.stakeholder_add(actor=rep, deal=deal, contact=stranger, buying_role="champion")

    assert exc.value.message_dict["contact"][0].startswith(
        f"Sam Else is not a contact of {deal.account.name}"
    )
    assert not Stakeholder.objects.exists()


def test_bad_choices_are_field_errors(rep, deal, buyer):
    with pytest.raises(ValidationError) as exc:
        services.stakeholder_add(
            actor=rep, deal=deal, contact=buyer, buying_role="king", stance="angry"
        )

    assert set(exc.value.message_dict) == {"buying_role", "stance"}
    assert not Stakeholder.objects.exists()


def test_every_change_shows_on_the_deal_and_account_timelines(rep, deal, buyer, competitor):
    plan = services.plan_create(actor=rep, deal=deal)
    services.plan_update(
        actor=rep, plan=plan, version=1, fields=services.PlanFields(problem="Slow quoting")
    )
    services.stakeholder_add(actor=rep, deal=deal, contact=buyer, buying_role="champion")
    services.deal_competitor_add(actor=rep, deal=deal, competitor=competitor)

    names = [e.name for e in timeline_for(deal, user=rep)]
    account_names = [e.name for e in timeline_for(deal.account, user=rep)]
    expected = [
        "deal_competitor.changed",
        "stakeholder.added",
        "opportunity_plan.updated",
        "opportunity_plan.updated",
    ]
    assert names[:4] == expected
    assert account_names[:4] == expected


def test_a_closed_deal_plan_cannot_change(rep, deal):
    plan = services.plan_create(actor=rep, deal=deal)
    deal_services.deal_win(actor=rep, deal=deal)

    with pytest.raises(ValidationError):
        services.plan_update(
            actor=rep, plan=plan, version=1, fields=services.PlanFields(problem="Late")
        )
    plan.refresh_from_db()
    assert plan.problem == ""


# The stage gate


def _gate(stage, admin):
    services.stage_rule_set(actor=admin, stage=stage, requires_complete_plan=True)


def test_the_gate_refuses_a_move_out_of_a_gated_stage_naming_what_is_missing(
    rep, admin, deal, pipeline
):
    _gate(deal.stage, admin)
    services.plan_create(actor=rep, deal=deal)
    discovery = pipeline.stages.get(name="Discovery")

    with pytest.raises(ValidationError) as exc:
        deal_services.deal_move_stage(actor=rep, deal=deal, stage=discovery)

    message = exc.value.message_dict["stage"][0]
    assert "Prospecting needs a complete opportunity plan (0% now)" in message
    assert "an economic buyer" in message and "a win strategy" in message
    deal.refresh_from_db()
    assert deal.stage.name == "Prospecting"


def test_the_gate_refuses_a_win_too(rep, admin, deal):
    _gate(deal.stage, admin)

    with pytest.raises(ValidationError) as exc:
        deal_services.deal_win(actor=rep, deal=deal)

    assert "this deal has none" in exc.value.message_dict["stage"][0]
    deal.refresh_from_db()
    assert deal.status == Deal.Status.OPEN


def test_a_complete_plan_passes_the_gate(
    rep, admin, deal, pipeline, buyer, champion, competitor, strategy
):
    _gate(deal.stage, admin)
    full_plan(deal, rep, buyer=buyer, champion=champion, competitor=competitor, strategy=strategy)

    deal_services.deal_move_stage(actor=rep, deal=deal, stage=pipeline.stages.get(name="Discovery"))

    deal.refresh_from_db()
    assert deal.stage.name == "Discovery"


def test_an_ungated_stage_lets_a_deal_without_a_plan_move(rep, deal, pipeline):
    deal_services.deal_move_stage(actor=rep, deal=deal, stage=pipeline.stages.get(name="Discovery"))
    deal.refresh_from_db()
    assert deal.stage.name == "Discovery"


def test_only_an_admin_sets_a_gate(manager, deal):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.stage_rule_set(actor=manager, stage=deal.stage, requires_complete_plan=True)
    assert not StageRule.objects.exists()
    assert not Event.objects.filter(name="stage.plan_gate_changed").exists()
