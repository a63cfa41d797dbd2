"""Issue 8 item 18: delete moves to the recycle bin; restore within the retention period
brings everything back; a daily task purges what is due. Pages and API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Account, Contact
from calls.models import Call
from deals.models import Deal, LineItem, StageChange
from deals.reporting import selectors as reports
from leads.models import Lead
from salesproc.models import Event
from salesproc.tasks import purge_recycle_bin_task
from tests.calls.factories import plan
from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory, ProductFactory


def _deal_with_history(owner, **kwargs):
    from deals import services

    deal = DealFactory(owner=owner, **kwargs)
    services.line_item_add(actor=owner, deal=deal, product=ProductFactory(), quantity=2)
    return Deal.objects.get(pk=deal.pk)


def _age(obj, days):
    type(obj).all_objects.filter(pk=obj.pk).update(deleted_at=timezone.now() - timedelta(days=days))


# -- moving to the bin -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_deleted_deal_leaves_the_list_board_api_and_pipeline_report(client, api_as, rep):
    # Given two open deals
    kept = DealFactory(owner=rep, name="Kept deal", amount=1000)
    binned = _deal_with_history(rep, name="Binned deal", amount=5000)
    api = api_as(rep)

    # When one is deleted over the API
    assert api.delete(f"/api/v1/deals/{binned.pk}/").status_code == 204

    # Then no list, board, API or report shows it, and nothing it had was destroyed
    client.force_login(rep)
    assert "Binned deal" not in client.get("/deals/").content.decode()
    assert "Binned deal" not in client.get("/deals/board/").content.decode()
    assert [row["id"] for row in api.get("/api/v1/deals/").json()["results"]] == [kept.pk]
    assert api.get(f"/api/v1/deals/{binned.pk}/").status_code == 404
    assert client.get(f"/deals/{binned.pk}/").status_code == 404
    assert reports.pipeline_summary(user=rep)["total"]["count"] == 1
    assert Deal.all_objects.get(pk=binned.pk).deleted_by == rep
    assert LineItem.objects.filter(deal_id=binned.pk).count() == 1
    assert StageChange.objects.filter(deal_id=binned.pk).count() >= 1


@pytest.mark.django_db
def test_leads_calls_and_contacts_leave_their_lists(api_as, rep):
    lead = LeadFactory(owner=rep)
    contact = ContactFactory(owner=rep)
    call = plan(rep, contact=ContactFactory(owner=rep))
    api = api_as(rep)

    assert api.delete(f"/api/v1/leads/{lead.pk}/").status_code == 204
    assert api.delete(f"/api/v1/contacts/{contact.pk}/").status_code == 204
    assert api.delete(f"/api/v1/calls/{call.pk}/").status_code == 204

    assert lead.pk not in [r["id"] for r in api.get("/api/v1/leads/").json()["results"]]
    assert contact.pk not in [r["id"] for r in api.get("/api/v1/contacts/").json()["results"]]
    assert call.pk not in [r["id"] for r in api.get("/api/v1/calls/").json()["results"]]
    assert (Lead.objects.count(), Lead.all_objects.count()) == (0, 1)
    assert Call.all_objects.get(pk=call.pk).is_binned
    assert Contact.all_objects.get(pk=contact.pk).is_binned


@pytest.mark.django_db
def test_a_binned_accounts_deals_keep_their_account_link(api_as, rep):
    # Given an account whose only deal is in the bin, then the account too
    account = AccountFactory(owner=rep, name="Acme")
    deal = _deal_with_history(rep, account=account)
    contact = ContactFactory(owner=rep, account=account)
    api = api_as(rep)
    assert api.delete(f"/api/v1/deals/{deal.pk}/").status_code == 204
    assert api.delete(f"/api/v1/accounts/{account.pk}/").status_code == 204

    # Then the deal and the contact still point at it (forward access reads the bin)
    binned_deal = Deal.all_objects.get(pk=deal.pk)
    assert binned_deal.account_id == account.pk
    assert binned_deal.account.name == "Acme"
    assert Contact.objects.get(pk=contact.pk).account.name == "Acme"

    # And restoring the deal first is refused (its account is in the bin), then works
    refused = api.post("/api/v1/recycle-bin/restore/", {"type": "deal", "id": deal.pk})
    assert refused.status_code == 400
    assert "Acme" in refused.json()["id"][0]
    assert (
        api.post("/api/v1/recycle-bin/restore/", {"type": "account", "id": account.pk}).status_code
        == 200
    )
    assert (
        api.post("/api/v1/recycle-bin/restore/", {"type": "deal", "id": deal.pk}).status_code == 200
    )
    listed = api.get(f"/api/v1/deals/?account={account.pk}").json()["results"]
    assert [row["id"] for row in listed] == [deal.pk]


# -- listing and restoring -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_lists_what_the_caller_may_restore(api_as, rep, manager, other_rep, admin):
    deal = DealFactory(owner=rep, name="Mine")
    theirs = DealFactory(owner=other_rep, name="Theirs")
    api_as(rep).delete(f"/api/v1/deals/{deal.pk}/")
    api_as(other_rep).delete(f"/api/v1/deals/{theirs.pk}/")

    def listed(user):
        return [
            (r["type"], r["id"], r["name"])
            for r in api_as(user).get("/api/v1/recycle-bin/").json()["results"]
        ]

    mine = api_as(rep).get("/api/v1/recycle-bin/").json()["results"]
    assert [(r["type"], r["id"], r["name"], r["deleted_by"]) for r in mine] == [
        ("deal", deal.pk, "Mine", rep.pk)
    ]
    assert mine[0]["deleted_at"] and mine[0]["purge_on"]
    assert listed(manager) == [("deal", deal.pk, "Mine")]
    assert sorted(listed(admin)) == sorted(
        [("deal", deal.pk, "Mine"), ("deal", theirs.pk, "Theirs")]
    )


@pytest.mark.django_db
def test_restoring_a_deal_brings_back_its_history_and_line_items(api_as, rep):
    deal = _deal_with_history(rep, name="Back again")
    history = StageChange.objects.filter(deal=deal).count()
    api = api_as(rep)
    api.delete(f"/api/v1/deals/{deal.pk}/")

    restored = api.post(
        "/api/v1/recycle-bin/restore/", {"type": "deal", "id": deal.pk}, format="json"
    )

    assert restored.status_code == 200
    assert restored.json() == {"type": "deal", "id": deal.pk, "name": "Back again"}
    detail = api.get(f"/api/v1/deals/{deal.pk}/").json()
    assert len(detail["line_items"]) == 1
    assert len(detail["stage_history"]) == history
    assert api.get("/api/v1/recycle-bin/").json()["results"] == []
    assert Event.objects.filter(name="deal.restored", object_id=deal.pk, actor=rep).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_rep", "other_manager", "teammate"])
def test_another_team_cannot_restore_and_nothing_changes(request, api_as, rep, persona):
    deal = DealFactory(owner=rep)
    api_as(rep).delete(f"/api/v1/deals/{deal.pk}/")
    outsider = request.getfixturevalue(persona)

    refused = api_as(outsider).post(
        "/api/v1/recycle-bin/restore/", {"type": "deal", "id": deal.pk}, format="json"
    )
    listed = api_as(outsider).get("/api/v1/recycle-bin/").json()["results"]

    assert refused.status_code == 404
    assert listed == []
    assert Deal.all_objects.get(pk=deal.pk).is_binned
    assert not Event.objects.filter(name="deal.restored").exists()


@pytest.mark.django_db
def test_a_live_record_is_not_in_the_bin(api_as, rep):
    deal = DealFactory(owner=rep)

    refused = api_as(rep).post("/api/v1/recycle-bin/restore/", {"type": "deal", "id": deal.pk})

    assert refused.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "spaceship", "id": 1}, "type"),
        ({"type": "deal", "id": "twelve"}, "id"),
        ({"type": "deal"}, "id"),
        ({}, "type"),
    ],
)
def test_bad_restore_input_is_a_400(api_as, rep, body, field):
    refused = api_as(rep).post("/api/v1/recycle-bin/restore/", body, format="json")

    assert refused.status_code == 400
    assert field in refused.json()


@pytest.mark.django_db
def test_the_page_lists_and_restores(client, rep, other_rep):
    account = AccountFactory(owner=rep, name="Binned Co")
    hidden = AccountFactory(owner=other_rep, name="Not yours")
    account_services.account_delete(actor=rep, account=account)
    account_services.account_delete(actor=other_rep, account=hidden)
    client.force_login(rep)

    page = client.get("/recycle-bin/")
    restored = client.post("/recycle-bin/restore/", {"type": "account", "id": account.pk})
    refused = client.post("/recycle-bin/restore/", {"type": "account", "id": hidden.pk})

    body = page.content.decode()
    assert "Binned Co" in body and "Not yours" not in body
    assert (
        restored.status_code == 302 and restored["Location"] == f"/accounts/companies/{account.pk}/"
    )
    assert Account.objects.filter(pk=account.pk).exists()
    assert refused.status_code == 404
    assert Account.all_objects.get(pk=hidden.pk).is_binned


@pytest.mark.django_db
def test_the_bin_page_rejects_get_on_restore(client, rep):
    client.force_login(rep)

    assert client.get("/recycle-bin/restore/").status_code == 405


@pytest.mark.django_db
def test_the_bin_lists_in_a_bounded_number_of_queries(client, rep, django_assert_max_num_queries):
    for _n in range(5):
        account_services.account_delete(actor=rep, account=AccountFactory(owner=rep))
        account_services.contact_delete(actor=rep, contact=ContactFactory(owner=rep, account=None))
    client.force_login(rep)

    with django_assert_max_num_queries(12):
        assert client.get("/recycle-bin/").status_code == 200


# -- purge --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_daily_task_purges_what_is_due_and_keeps_the_rest(rep):
    due = _deal_with_history(rep, name="Old")
    recent = DealFactory(owner=rep, name="Recent")
    for deal in (due, recent):
        Deal.objects.get(pk=deal.pk)
        from deals.services import deal_delete

        deal_delete(actor=rep, deal=deal)
    _age(due, 31)
    _age(recent, 29)

    result = purge_recycle_bin_task.delay().get()

    assert result == {"purged": 1, "waiting": 0}
    assert not Deal.all_objects.filter(pk=due.pk).exists()
    assert not LineItem.objects.filter(deal_id=due.pk).exists()
    assert Deal.all_objects.get(pk=recent.pk).is_binned
    purged = Event.objects.get(name="deal.purged", object_id=due.pk)
    assert (purged.actor, purged.data["name"]) == (None, "Old")
    assert purge_recycle_bin_task.delay().get() == {"purged": 0, "waiting": 0}


@pytest.mark.django_db
def test_an_account_purge_waits_while_a_deal_still_holds_it(rep):
    from deals.services import deal_delete

    # Given an account in the bin long enough, whose deal went to the bin only lately
    account = AccountFactory(owner=rep)
    deal = DealFactory(owner=rep, account=account)
    deal_delete(actor=rep, deal=deal)
    account_services.account_delete(actor=rep, account=account)
    _age(account, 40)

    # When the purge runs, the account waits for its deal
    assert purge_recycle_bin_task.delay().get() == {"purged": 0, "waiting": 1}
    assert Account.all_objects.filter(pk=account.pk).exists()
    assert not Event.objects.filter(name="account.purged").exists()

    # And once the deal is due too, both go, deal first
    _age(deal, 31)
    assert purge_recycle_bin_task.delay().get() == {"purged": 2, "waiting": 0}
    assert not Account.all_objects.filter(pk=account.pk).exists()


@pytest.mark.django_db
def test_purging_an_account_keeps_its_contacts_without_it(rep):
    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep, account=account)
    account_services.account_delete(actor=rep, account=account)
    _age(account, 31)

    assert purge_recycle_bin_task.delay().get() == {"purged": 1, "waiting": 0}

    contact.refresh_from_db()
    assert contact.account_id is None


def test_the_purge_runs_daily_on_beat():
    from salesproc.celery import app

    entry = app.conf.beat_schedule["purge-recycle-bin-daily"]
    assert entry["task"] == "salesproc.tasks.purge_recycle_bin_task"


@pytest.mark.django_db
def test_the_weekly_snapshot_leaves_out_a_binned_deal(rep):
    from datetime import date

    from deals.models import PipelineSnapshot
    from deals.reporting import services as forecasting
    from deals.services import deal_delete

    kept = DealFactory(owner=rep)
    deal_delete(actor=rep, deal=DealFactory(owner=rep))

    assert forecasting.snapshot_week(today=date(2025, 6, 18)) == 1
    assert list(PipelineSnapshot.objects.values_list("deal_id", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_a_contact_page_shows_its_binned_account_without_a_dead_link(client, rep):
    account = AccountFactory(owner=rep, name="Gone Ltd")
    contact = ContactFactory(owner=rep, account=account)
    account_services.account_delete(actor=rep, account=account)
    client.force_login(rep)

    body = client.get(f"/accounts/contacts/{contact.pk}/").content.decode()

    assert "Gone Ltd" in body
    assert "in the <a" in body
    assert f'href="/accounts/companies/{account.pk}/"' not in body


@pytest.mark.django_db
def test_an_account_lists_only_its_live_contacts_and_counts(api_as, rep):
    account = AccountFactory(owner=rep)
    ContactFactory(owner=rep, account=account)
    account_services.contact_delete(actor=rep, contact=ContactFactory(owner=rep, account=account))

    detail = api_as(rep).get(f"/api/v1/accounts/{account.pk}/").json()

    assert detail["contact_count"] == 1


@pytest.mark.django_db
def test_a_binned_account_cannot_be_chosen_for_a_new_contact(api_as, client, rep):
    account = AccountFactory(owner=rep)
    account_services.account_delete(actor=rep, account=account)
    client.force_login(rep)

    refused = api_as(rep).post(
        "/api/v1/contacts/",
        {"first_name": "Jo", "last_name": "Doe", "account": account.pk},
        format="json",
    )
    form = client.get("/accounts/contacts/new/").content.decode()

    assert refused.status_code == 400
    assert "account" in refused.json()
    assert f'value="{account.pk}"' not in form
    assert not Contact.objects.exists()
