"""Pages: the tree, a territory, rule editing with preview, progress, pins, settings."""

import pytest
from django.urls import reverse

from territories.models import AccountTerritory, AssignmentRule, AssignmentRun, Territory
from tests.factories import AccountFactory

from .factories import RuleFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_tree_with_reps_and_counts(client, teammate, north_west, make_account):
    child = Territory.objects.create(name="Greater Manchester", parent=north_west, rep=teammate)
    AccountTerritory.objects.create(account=make_account(), territory=child)
    client.force_login(teammate)
    page = client.get(reverse("territories:territory_list")).content.decode()
    assert page.index("North-West") < page.index("Greater Manchester")
    assert "↳" in page
    assert "New territory" not in page  # a rep does not manage territories


@pytest.mark.parametrize("accounts", [10, 1000])
def test_a_territory_page_runs_a_bounded_number_of_queries(
    client, teammate, north_west, accounts, django_assert_max_num_queries
):
    rows = AccountFactory.create_batch(accounts, owner=teammate) if accounts == 10 else None
    if rows is None:
        from accounts.models import Account

        Account.objects.bulk_create(
            [Account(name=f"Company {n}", owner=teammate) for n in range(accounts)]
        )
        rows = list(Account.objects.all())
    AccountTerritory.objects.bulk_create(
        [AccountTerritory(account=a, territory=north_west) for a in rows]
    )
    RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    client.force_login(teammate)
    with django_assert_max_num_queries(14):
        response = client.get(north_west.get_absolute_url())
    assert f"Accounts ({accounts})" in response.content.decode()
    with django_assert_max_num_queries(12):
        client.get(reverse("territories:territory_list"))


def test_a_manager_previews_then_applies_a_rule(client, manager, north_west, make_account):
    make_account(postcode="M1 1AA")
    make_account(postcode="M2 1AA")
    client.force_login(manager)
    url = reverse("territories:rule_create", args=[north_west.pk])
    form = {"territory": north_west.pk, "priority": 10, "postcode_prefixes": "M, SK"}
    preview = client.post(url, {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "2 accounts join North-West" in preview.content.decode()
    assert AssignmentRule.objects.count() == 0
    with pytest.MonkeyPatch.context() as mp:
        # The run is enqueued on commit; run it right away as the worker would.
        from django.db import transaction

        mp.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())
        applied = client.post(url, {**form, "apply": "1"})
    run = AssignmentRun.objects.get()
    assert applied.status_code == 302
    assert applied["Location"] == reverse("territories:run_detail", args=[run.pk])
    assert AssignmentRule.objects.get().postcode_prefixes == ["M", "SK"]
    progress = client.get(applied["Location"]).content.decode()
    assert "2 accounts changed territory" in progress
    assert "100%" in progress


def test_a_bad_rule_shows_form_errors(client, manager, north_west):
    client.force_login(manager)
    url = reverse("territories:rule_create", args=[north_west.pk])
    response = client.post(
        url,
        {
            "territory": north_west.pk,
            "priority": 10,
            "latitude": "95",
            "longitude": "2",
            "radius_km": "10",
            "apply": "1",
        },
    )
    assert response.status_code == 400
    assert "Latitude must be between -90 and 90." in response.content.decode()
    response = client.post(url, {"territory": north_west.pk, "priority": "ten", "preview": "1"})
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert AssignmentRule.objects.count() == 0


def test_a_removal_is_previewed_before_it_applies(client, manager, north_west, make_account):
    rule = RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    AccountTerritory.objects.create(account=make_account(postcode="M1 1AA"), territory=north_west)
    client.force_login(manager)
    page = client.get(reverse("territories:rule_delete", args=[rule.pk])).content.decode()
    assert "1 account leaves every territory (from North-West)" in page
    assert AssignmentRule.objects.filter(pk=rule.pk).exists()


def test_pin_and_unpin(client, manager, teammate, north_west, yorkshire, make_account):
    RuleFactory(territory=yorkshire, priority=10, postcode_prefixes=["LS"])
    account = make_account(postcode="LS1 1AA")
    client.force_login(manager)
    client.post(reverse("territories:account_pin", args=[north_west.pk]), {"account": account.pk})
    row = AccountTerritory.objects.get(account=account)
    assert (row.territory, row.pinned) == (north_west, True)
    detail = client.get(account.get_absolute_url()).content.decode()
    assert "pinned" in detail and "North-West" in detail
    client.post(reverse("territories:account_unpin", args=[account.pk]))
    row.refresh_from_db()
    assert (row.territory, row.pinned) == (yorkshire, False)


def test_another_team_gets_404s_and_changes_nothing(
    client, other_manager, north_west, make_account
):
    rule = RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    account = make_account(postcode="M1 1AA")
    AccountTerritory.objects.create(account=account, territory=north_west)
    client.force_login(other_manager)
    for url in (
        north_west.get_absolute_url(),
        reverse("territories:territory_edit", args=[north_west.pk]),
        reverse("territories:rule_edit", args=[rule.pk]),
        reverse("territories:rule_delete", args=[rule.pk]),
        reverse("territories:rule_create", args=[north_west.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("territories:rule_delete", args=[rule.pk]), {"apply": "1"}).status_code
        == 404
    )
    assert (
        client.post(reverse("territories:territory_delete", args=[north_west.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("territories:account_pin", args=[north_west.pk]), {"account": account.pk}
        ).status_code
        == 404
    )
    assert "North-West" not in client.get(reverse("territories:territory_list")).content.decode()
    assert AssignmentRule.objects.filter(pk=rule.pk, postcode_prefixes=["M"]).exists()
    assert Territory.objects.filter(pk=north_west.pk).exists()
    assert AccountTerritory.objects.get(account=account).pinned is False


def test_a_rep_sees_their_territory_but_not_its_edit_pages(client, teammate, north_west):
    client.force_login(teammate)
    page = client.get(north_west.get_absolute_url()).content.decode()
    assert "North-West" in page and "Add rule" not in page
    assert (
        client.get(reverse("territories:territory_edit", args=[north_west.pk])).status_code == 404
    )
    assert client.get(reverse("territories:territory_create")).status_code == 404


def test_an_inside_rep_is_told_the_process_is_not_theirs(client, rep):
    client.force_login(rep)
    assert client.get(reverse("territories:territory_list")).status_code == 403


def test_a_manager_creates_a_territory_and_a_duplicate_name_is_a_form_error(
    client, manager, teammate, north_west
):
    client.force_login(manager)
    url = reverse("territories:territory_create")
    response = client.post(url, {"name": "Cheshire", "parent": north_west.pk, "rep": teammate.pk})
    cheshire = Territory.objects.get(name="Cheshire")
    assert response["Location"] == cheshire.get_absolute_url()
    assert (cheshire.parent, cheshire.rep, cheshire.team) == (north_west, teammate, teammate.team)
    again = client.post(url, {"name": "cheshire"})
    assert again.status_code == 400
    assert "There is already a territory called “cheshire”." in again.content.decode()


def test_only_an_admin_changes_the_owner_setting(client, admin, manager):
    client.force_login(manager)
    assert client.get(reverse("territories:settings")).status_code == 404
    client.force_login(admin)
    from territories.models import TerritorySettings

    questions = {
        name: getattr(TerritorySettings.current(), name)
        for name in ("plan_question_accounts", "plan_question_attention", "plan_question_service")
    }
    response = client.post(
        reverse("territories:settings"), {"owner_follows_rep": "on", **questions}
    )
    assert response.status_code == 302

    assert TerritorySettings.current().owner_follows_rep is True
