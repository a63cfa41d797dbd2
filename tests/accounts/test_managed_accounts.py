"""Marking key accounts and giving them an account manager; who then sees them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Account
from accounts.portfolio.services import account_set_management
from salesproc.models import Event
from tests.conftest import api_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_it_marks_an_account_managed_with_its_account_manager(manager, rep, kam):
    # given an account alice owns
    account = AccountFactory(owner=rep)
    # when her manager makes it a key account managed by Kim
    account_set_management(actor=manager, account=account, is_managed=True, account_manager=kam)
    # then it is managed by Kim, and its timeline says so
    account.refresh_from_db()
    assert (account.is_managed, account.account_manager) == (True, kam)
    event = Event.objects.get(name="account.management_changed")
    assert event.summary == "Managed as a key account (Kim " + kam.last_name + ")"
    assert event.data["before"] == {"is_managed": False, "account_manager": None}


def test_the_account_manager_sees_an_account_someone_else_owns(manager, rep, kam, other_rep):
    account = AccountFactory(owner=rep)
    assert account not in Account.objects.visible_to(kam)
    account_set_management(actor=manager, account=account, is_managed=True, account_manager=kam)
    assert list(Account.objects.visible_to(kam)) == [account]
    assert account not in Account.objects.visible_to(other_rep)


def test_a_manager_sees_accounts_their_team_manages_in_another_teams_ownership(
    manager, other_manager, kam, other_rep, admin
):
    # given charlie (South) owns an account that Kim (North) manages, set by an admin
    account = AccountFactory(owner=other_rep)
    account_set_management(actor=admin, account=account, is_managed=True, account_manager=kam)
    # then Kim's manager sees it, and so does the owner's manager
    assert account in Account.objects.visible_to(manager)
    assert account in Account.objects.visible_to(other_manager)


def test_a_rep_may_not_mark_key_accounts_and_nothing_changes(rep, kam):
    account = AccountFactory(owner=rep)
    with pytest.raises(PermissionDenied):
        account_set_management(actor=rep, account=account, is_managed=True, account_manager=rep)
    account.refresh_from_db()
    assert (account.is_managed, account.account_manager) == (False, None)
    assert not Event.objects.filter(name="account.management_changed").exists()


def test_a_manager_may_not_give_the_account_to_another_teams_account_manager(
    manager, rep, other_kam
):
    account = AccountFactory(owner=rep)
    with pytest.raises(ValidationError) as refused:
        account_set_management(
            actor=manager, account=account, is_managed=True, account_manager=other_kam
        )
    assert refused.value.message_dict == {
        "account_manager": ["You can only make yourself or your team the account manager."]
    }
    account.refresh_from_db()
    assert (account.is_managed, account.account_manager) == (False, None)


def test_the_management_page_saves_for_a_manager(client, manager, rep, kam):
    account = AccountFactory(owner=rep)
    client.force_login(manager)
    page = client.get(f"/accounts/companies/{account.pk}/management/")
    assert page.status_code == 200
    # The account manager is a type-ahead picker: the manager finds Kim in it.
    assert "data-picker-input" in page.content.decode()
    assert "Kim" in client.get("/pickers/user/", {"q": "kim"}).content.decode()
    saved = client.post(
        f"/accounts/companies/{account.pk}/management/",
        {"is_managed": "on", "account_manager": kam.pk},
    )
    assert saved.status_code == 302
    account.refresh_from_db()
    assert (account.is_managed, account.account_manager) == (True, kam)


def test_the_management_page_shows_a_bad_account_manager_as_a_form_error(
    client, manager, rep, other_kam
):
    account = AccountFactory(owner=rep)
    client.force_login(manager)
    refused = client.post(
        f"/accounts/companies/{account.pk}/management/",
        {"is_managed": "on", "account_manager": other_kam.pk},
    )
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    account.refresh_from_db()
    assert account.is_managed is False


@pytest.mark.parametrize("persona", ["rep", "other_manager"])
def test_the_management_page_is_refused_to_a_rep_and_another_team(
    client, request, persona, rep, kam
):
    """A rep is told the page is a manager's (403); another team's manager gets a 404."""
    account = AccountFactory(owner=rep)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        f"/accounts/companies/{account.pk}/management/",
        {"is_managed": "on", "account_manager": kam.pk},
    )
    assert response.status_code == (403 if persona == "rep" else 404)
    account.refresh_from_db()
    assert (account.is_managed, account.account_manager) == (False, None)


def test_the_api_marks_an_account_managed(manager, rep, kam):
    account = AccountFactory(owner=rep)
    response = api_for(manager).post(
        f"/api/v1/accounts/{account.pk}/management/",
        {"is_managed": True, "account_manager": kam.pk},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["is_managed"], response.json()["account_manager"]) == (True, kam.pk)


def test_the_api_refuses_a_rep_with_403_and_another_team_with_404(rep, other_manager, kam):
    account = AccountFactory(owner=rep)
    as_rep = api_for(rep).post(
        f"/api/v1/accounts/{account.pk}/management/", {"is_managed": True}, format="json"
    )
    as_other = api_for(other_manager).post(
        f"/api/v1/accounts/{account.pk}/management/", {"is_managed": True}, format="json"
    )
    assert (as_rep.status_code, as_other.status_code) == (403, 404)
    account.refresh_from_db()
    assert account.is_managed is False


def test_the_api_says_what_is_wrong_with_bad_input(manager, rep):
    account = AccountFactory(owner=rep)
    response = api_for(manager).post(
        f"/api/v1/accounts/{account.pk}/management/",
        {"is_managed": "perhaps", "account_manager": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"is_managed", "account_manager"}


def test_is_managed_is_read_only_on_the_account_itself(rep):
    account = AccountFactory(owner=rep)
    response = api_for(rep).patch(
        f"/api/v1/accounts/{account.pk}/", {"is_managed": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_managed"] is False
