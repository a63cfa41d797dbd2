"""Each workflow action the apps provide: what it does, its dry run, and that it never
reaches a record of another team."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account, Contact
from accounts.plans.models import AccountAction, AccountPlan
from accounts.services import account_update
from deals.models import Deal
from leads import services as lead_services
from leads.models import Lead
from salesproc.models import Event, Notification
from salesproc.registry import workflow_action
from tests.factories import AccountFactory, DealFactory, LeadFactory, PipelineFactory, UserFactory
from tests.leads.factories import default_answers

pytestmark = pytest.mark.django_db


def run(key, *, subject, event=None, actor=None, dry_run=False, **params):
    event = event or Event(name="test.event", data={}, summary="Something happened", pk=1)
    return workflow_action(key).run(
        actor=actor or subject.owner, event=event, subject=subject, params=params, dry_run=dry_run
    )


def test_create_a_contact_on_the_account_for_its_owner(rep):
    account = AccountFactory(owner=rep)
    event = Event(name="account.updated", data={"email": "ann@acme.test"}, pk=5)
    text = run(
        "accounts.create_contact",
        subject=account,
        event=event,
        first_name="Ann",
        last_name="Lee",
        email="{data.email}",
    )
    contact = Contact.objects.get(email="ann@acme.test")
    assert (contact.account, contact.owner, contact.full_name) == (account, rep, "Ann Lee")
    assert "Ann Lee" in text
    assert "Would add" in run(
        "accounts.create_contact", subject=account, event=event, dry_run=True, last_name="X"
    )
    assert Contact.objects.count() == 1


def test_create_a_deal_for_the_accounts_owner(rep):
    PipelineFactory()
    account = AccountFactory(owner=rep, name="Acme")
    text = run("deals.create_deal", subject=account, name="", amount="5000")
    deal = Deal.objects.get(account=account)
    assert (deal.owner, deal.name, deal.amount) == (rep, "Acme: new deal", Decimal("5000"))
    assert "Created the deal" in text


def test_actions_never_reach_another_teams_record(rep, other_rep):
    PipelineFactory()
    theirs = AccountFactory(owner=other_rep)
    with pytest.raises(ValidationError):
        run("deals.create_deal", subject=theirs, actor=rep)
    with pytest.raises(ValidationError):
        run("accounts.create_contact", subject=theirs, actor=rep, last_name="Lee")
    their_deal = DealFactory(owner=other_rep)
    quote_event = Event(name="quote.accepted", data={"deal_id": their_deal.pk}, pk=9)
    mine = AccountFactory(owner=rep)
    with pytest.raises(ValidationError, match="another team"):
        run("deals.win_deal", subject=mine, actor=rep, event=quote_event)
    assert Deal.objects.get(pk=their_deal.pk).status == Deal.Status.OPEN
    assert Deal.objects.filter(account=theirs).count() == 0


def test_win_the_deal_from_the_subject_or_from_the_quotes_data(rep):
    deal = DealFactory(owner=rep)
    assert run("deals.win_deal", subject=deal, dry_run=True).startswith("Would win")
    assert Deal.objects.get(pk=deal.pk).status == Deal.Status.OPEN
    run("deals.win_deal", subject=deal)
    assert Deal.objects.get(pk=deal.pk).status == Deal.Status.WON
    # A quote: its subject is no deal; the deal is in data["deal_id"].
    other = DealFactory(owner=rep)
    quote_event = Event(name="quote.accepted", data={"deal_id": other.pk, "number": "Q-1"}, pk=3)
    run("deals.win_deal", subject=AccountFactory(owner=rep), event=quote_event)
    assert Deal.objects.get(pk=other.pk).status == Deal.Status.WON
    assert "already won" in run("deals.win_deal", subject=Deal.objects.get(pk=other.pk))


def test_set_the_forecast_category_as_the_owners_manager(rep, manager):
    deal = DealFactory(owner=rep)
    run("deals.set_forecast_category", subject=deal, category="commit")
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.forecast_category == "commit"
    event = Event.objects.filter(name="deal.forecast_category_changed").latest("id")
    assert event.actor == manager
    assert "already" in run("deals.set_forecast_category", subject=deal, category="commit")


def test_set_the_forecast_category_needs_a_manager(roles):
    loner = UserFactory(role=roles["inside-rep"], team=None)
    deal = DealFactory(owner=loner)
    with pytest.raises(ValidationError):
        run("deals.set_forecast_category", subject=deal, category="commit")


def test_set_the_lead_status(rep):
    lead = LeadFactory(owner=rep)
    run("leads.set_status", subject=lead, status="working")
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.WORKING
    lead = Lead.objects.get(pk=lead.pk)
    assert "Would set" in run("leads.set_status", subject=lead, status="disqualified", dry_run=True)
    with pytest.raises(ValidationError):
        run("leads.set_status", subject=lead, status="disqualified", reason="")
    run("leads.set_status", subject=lead, status="disqualified", reason="No budget")
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.DISQUALIFIED


def test_create_the_deal_of_a_qualified_lead(rep):
    PipelineFactory()
    lead = LeadFactory(owner=rep, company_name="Acme")
    lead_services.lead_qualify(actor=rep, lead=lead, answers=default_answers())
    lead = Lead.objects.get(pk=lead.pk)
    assert "Would convert" in run("leads.create_deal", subject=lead, dry_run=True)
    assert not Deal.objects.exists()
    run("leads.create_deal", subject=lead)
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.converted_deal.owner == rep
    assert "already has a deal" in run("leads.create_deal", subject=lead)


def test_assign_the_owner_round_robin_over_the_team(rep, teammate, manager, other_rep):
    first = LeadFactory(owner=rep)
    run("leads.assign_owner", subject=first)  # nobody before: the first member by id
    owners = [Lead.objects.get(pk=first.pk).owner]
    for _ in range(3):
        lead = LeadFactory(owner=rep)
        run("leads.assign_owner", subject=lead)
        owners.append(Lead.objects.get(pk=lead.pk).owner)
    members = sorted([rep, teammate, manager], key=lambda u: u.pk)
    working = [m for m in members if m.runs("leads")]
    assert len(set(owners)) == len(working) and other_rep not in owners
    for before, after in zip(owners, owners[1:], strict=False):
        assert working.index(after) == (working.index(before) + 1) % len(working)


def test_plan_a_follow_up_refuses_another_owners_call(rep, teammate):
    from tests.calls.factories import complete, plan

    call = complete(plan(rep), next_steps="Call back")
    with pytest.raises(ValidationError):
        run("calls.plan_follow_up", subject=call, actor=teammate, days=3)
    assert "Would plan" in run("calls.plan_follow_up", subject=call, days=3, dry_run=True)
    run("calls.plan_follow_up", subject=call, days=3)
    assert "already planned" in run("calls.plan_follow_up", subject=call, days=3)


def test_create_an_action_item_on_the_account_plan(rep, roles):
    kam = UserFactory(role=roles["key-account-manager"], team=rep.team)
    account = AccountFactory(owner=rep, account_manager=kam, is_managed=True)
    with pytest.raises(ValidationError, match="no account plan"):
        run("accounts.create_action_item", subject=account, description="Call", days=3)
    plan = AccountPlan.objects.create(account=account, period="FY2027")
    run("accounts.create_action_item", subject=account, description="Book the QBR", days=3)
    item = AccountAction.objects.get(plan=plan)
    assert (item.description, item.owner) == ("Book the QBR", kam)


def test_notify_the_owner_the_manager_or_a_teammate_never_another_team(
    rep, manager, teammate, other_rep
):
    account = AccountFactory(owner=rep, name="Acme")
    account_update(actor=rep, account=account, data={"industry": "Retail"})
    event = Event.objects.filter(name="account.updated").latest("id")
    run(
        "salesproc.notify",
        subject=account,
        event=event,
        recipient="owner",
        message="{record}: {summary}",
    )
    run("salesproc.notify", subject=account, event=event, recipient="manager", message="Look")
    run(
        "salesproc.notify",
        subject=account,
        event=event,
        recipient="user",
        user=teammate.pk,
        message="For you",
    )
    assert Notification.objects.get(recipient=rep).text.startswith("Acme: ")
    assert Notification.objects.get(recipient=manager).text == "Look"
    assert Notification.objects.get(recipient=teammate).text == "For you"
    with pytest.raises(ValidationError):
        run(
            "salesproc.notify",
            subject=account,
            event=event,
            recipient="user",
            user=other_rep.pk,
            message="Leak",
        )
    assert not Notification.objects.filter(recipient=other_rep).exists()
    assert "Would notify" in run(
        "salesproc.notify",
        subject=account,
        event=event,
        recipient="owner",
        message="x",
        dry_run=True,
    )


def test_assign_the_territorys_rep_within_the_team_only(rep, teammate, other_rep, north, south):
    from territories.models import AccountTerritory
    from tests.territories.factories import TerritoryFactory

    account = AccountFactory(owner=rep, name="Acme")
    with pytest.raises(ValidationError, match="no territory"):
        run("territories.assign_territory_rep", subject=account)
    territory = TerritoryFactory(name="North-West", rep=teammate, team=north)
    AccountTerritory.objects.create(account=account, territory=territory)
    assert "Would give" in run("territories.assign_territory_rep", subject=account, dry_run=True)
    assert Account.objects.get(pk=account.pk).owner == rep
    run("territories.assign_territory_rep", subject=account)
    assert Account.objects.get(pk=account.pk).owner == teammate
    # A territory whose rep is in another team: the account stays.
    mine = AccountFactory(owner=rep)
    AccountTerritory.objects.create(
        account=mine, territory=TerritoryFactory(name="South-East", rep=other_rep, team=south)
    )
    with pytest.raises(ValidationError, match="another team"):
        run("territories.assign_territory_rep", subject=mine)
    assert Account.objects.get(pk=mine.pk).owner == rep
