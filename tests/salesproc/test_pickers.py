"""Type-ahead pickers: options scoped to what the user may see, posted ids checked, the
call plan page small at 10,000 leads, context (a contact's account first)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call
from leads.models import Lead
from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    LeadFactory,
    PipelineFactory,
)

LATER = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


def plan_post(**extra):
    return {
        "scheduled_at": LATER,
        "planned_duration_minutes": "30",
        "channel": "phone",
        "purpose": "Qualify the budget",
        **extra,
    }


def option_ids(response):
    import re

    return [int(v) for v in re.findall(r'data-value="(\d+)"', response.content.decode())]


@pytest.fixture
def people(rep, teammate, other_rep):
    return {
        "mine": ContactFactory(first_name="Nora", last_name="Lind", owner=rep),
        "teammates": ContactFactory(first_name="Nora", last_name="Berg", owner=teammate),
        "theirs": ContactFactory(first_name="Nora", last_name="Holm", owner=other_rep),
    }


def test_a_picker_offers_only_what_the_rep_may_see(client, rep, people):
    client.force_login(rep)
    response = client.get("/pickers/contact/", {"q": "nora"})
    assert response.status_code == 200
    assert option_ids(response) == [people["mine"].pk]
    assert "Nora Holm" not in response.content.decode()


def test_a_manager_picks_from_the_team_never_from_another_team(client, manager, people):
    client.force_login(manager)
    ids = set(option_ids(client.get("/pickers/contact/", {"q": "nora"})))
    assert ids == {people["mine"].pk, people["teammates"].pk}


def test_the_user_picker_offers_the_people_the_user_may_see(
    client, manager, rep, teammate, other_rep
):
    client.force_login(manager)
    ids = set(option_ids(client.get("/pickers/user/", {"q": ""})))
    assert {rep.pk, teammate.pk, manager.pk} <= ids and other_rep.pk not in ids
    client.force_login(rep)
    assert option_ids(client.get("/pickers/user/")) == [rep.pk]


def test_an_empty_query_lists_twenty_and_says_there_are_more(client, rep):
    LeadFactory.create_batch(25, owner=rep)
    client.force_login(rep)
    response = client.get("/pickers/lead.open/")
    assert len(option_ids(response)) == 20
    assert "type more to narrow" in response.content.decode()


def test_the_deal_picker_lists_the_accounts_deals_first(client, rep):
    other = AccountFactory(name="Alpha Other", owner=rep)
    account = AccountFactory(name="Zulu Main", owner=rep)
    DealFactory(name="Alpha deal", account=other, owner=rep)
    ours = DealFactory(name="Zulu deal", account=account, owner=rep)
    client.force_login(rep)
    plain = option_ids(client.get("/pickers/deal.open/"))
    first = option_ids(client.get("/pickers/deal.open/", {"first": account.pk}))
    assert plain[-1] == ours.pk and first[0] == ours.pk
    typed = option_ids(client.get("/pickers/deal.open/", {"q": "deal", "first": account.pk}))
    assert typed[0] == ours.pk


def test_an_unknown_picker_is_404_and_anonymous_callers_log_in(client, rep):
    assert client.get("/pickers/contact/").status_code == 302
    client.force_login(rep)
    assert client.get("/pickers/nothing/").status_code == 404


# ---------------------------------------------------------------- forms


def test_the_call_plan_refuses_a_posted_id_the_user_may_not_see(client, rep, people):
    client.force_login(rep)
    response = client.post("/calls/plan/", plan_post(contact=people["theirs"].pk))
    assert response.status_code == 200
    assert response.context["form"].errors["contact"]
    assert Call.objects.count() == 0


def test_the_call_plan_accepts_a_picked_record(client, rep, people):
    client.force_login(rep)
    response = client.post("/calls/plan/", plan_post(contact=people["mine"].pk))
    assert response.status_code == 302
    assert Call.objects.get().contact == people["mine"]


def test_planning_from_a_contact_preselects_its_account_and_lists_its_deals_first(
    client, rep, people
):
    contact = people["mine"]
    client.force_login(rep)
    form = client.get(f"/calls/plan/?contact={contact.pk}").context["form"]
    assert form["account"].value() == contact.account_id
    assert form.fields["deal"].widget.params["first"] == contact.account_id
    html = str(form["account"])
    assert contact.account.name in html  # the current value is shown


def test_the_call_plan_page_stays_small_at_ten_thousand_leads(
    client, rep, django_assert_max_num_queries
):
    Lead.objects.bulk_create(
        Lead(first_name="Bulk", last_name=f"Lead {n}", company_name=f"Co {n}", owner=rep)
        for n in range(10_000)
    )
    client.force_login(rep)
    with django_assert_max_num_queries(25):
        response = client.get("/calls/plan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lead 9999" not in html and "Lead 1 " not in html
    assert len(html) < 60_000, len(html)
    assert "data-picker-input" in html


def test_the_deal_form_takes_several_contacts_and_refuses_a_foreign_one(client, rep, other_rep):
    pipeline = PipelineFactory()
    account = AccountFactory(owner=rep)
    one = ContactFactory(account=account, owner=rep)
    two = ContactFactory(account=account, owner=rep)
    foreign = ContactFactory(owner=other_rep)
    client.force_login(rep)
    page = client.get(f"/deals/new/?account={account.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.fields["contacts"].widget.multiple
    data = {
        "name": "Multi",
        "account": account.pk,
        "deal_type": "new_business",
        "amount": "100",
        "currency": "EUR",
        "owner": rep.pk,
        "pipeline": pipeline.pk,
        "contacts": [one.pk, foreign.pk],
    }
    refused = client.post("/deals/new/", data)
    assert refused.status_code == 200 and refused.context["form"].errors["contacts"]
    data["contacts"] = [one.pk, two.pk]
    saved = client.post("/deals/new/", data)
    assert saved.status_code == 302, saved.context["form"].errors
    from deals.models import Deal

    assert set(Deal.objects.get(name="Multi").contacts.all()) == {one, two}


def test_the_widget_shows_the_current_value_of_an_edit_form(client, rep):
    deal = DealFactory(owner=rep)
    client.force_login(rep)
    html = client.get(f"/deals/{deal.pk}/edit/").content.decode()
    assert f'value="{deal.account.name}"' in html
    assert f'value="{deal.account_id}" data-picker-value' in html
