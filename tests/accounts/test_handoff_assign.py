"""A manager names the account manager of a handoff (page and API), and handoffs not
submitted in time show on the manager's home."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.handoffs.models import Handoff
from accounts.plans.models import PlanSettings
from salesproc.models import Event
from tests.conftest import api_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unassigned(rep):
    """Acme won by Alice, with no account manager yet."""
    account = AccountFactory(owner=rep, name="Acme")
    return Handoff.objects.create(
        account=account, deal=101, deal_name="Acme seats", from_user=rep, to_user=None
    )


def test_the_manager_assigns_the_account_manager_on_the_page(client, manager, kam, unassigned):
    client.force_login(manager)
    page = client.get(f"/accounts/handoffs/{unassigned.pk}/").content.decode()
    assert "Assign the account manager" in page
    response = client.post(f"/accounts/handoffs/{unassigned.pk}/assign/", {"to_user": kam.pk})
    assert response.status_code == 302
    unassigned.refresh_from_db()
    assert unassigned.to_user == kam
    assert (
        Event.objects.filter(name="handoff.assigned")
        .get()
        .summary.startswith("Handoff goes to Kim")
    )


def test_the_rep_sees_no_assign_form_and_cannot_assign(client, rep, kam, unassigned):
    client.force_login(rep)
    assert (
        "Assign the account manager"
        not in client.get(f"/accounts/handoffs/{unassigned.pk}/").content.decode()
    )
    response = client.post(f"/accounts/handoffs/{unassigned.pk}/assign/", {"to_user": rep.pk})
    assert response.status_code == 403
    unassigned.refresh_from_db()
    assert unassigned.to_user is None


def test_the_api_assign_action(manager, kam, unassigned):
    response = api_for(manager).post(
        f"/api/v1/handoffs/{unassigned.pk}/assign/", {"to_user": kam.pk}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["to_user"], response.json()["status"]) == (kam.pk, "open")


def test_bad_input_is_400_and_changes_nothing(client, manager, other_kam, unassigned):
    api = api_for(manager)
    for payload in ({}, {"to_user": "x"}, {"to_user": other_kam.pk}):
        response = api.post(f"/api/v1/handoffs/{unassigned.pk}/assign/", payload, format="json")
        assert response.status_code == 400
        assert "to_user" in response.json()
    client.force_login(manager)
    page = client.post(f"/accounts/handoffs/{unassigned.pk}/assign/", {"to_user": "nobody"})
    assert page.status_code == 400
    assert "Select a valid choice." in page.content.decode()
    Handoff.objects.filter(pk=unassigned.pk).update(status=Handoff.Status.ACCEPTED)
    late = api.post(
        f"/api/v1/handoffs/{unassigned.pk}/assign/", {"to_user": manager.pk}, format="json"
    )
    assert (late.status_code, late.json()) == (
        400,
        {"status": ["The handoff is already accepted."]},
    )
    unassigned.refresh_from_db()
    assert unassigned.to_user is None
    assert not Event.objects.filter(name="handoff.assigned").exists()


def test_another_team_gets_404_and_changes_nothing(client, other_manager, other_kam, unassigned):
    response = api_for(other_manager).post(
        f"/api/v1/handoffs/{unassigned.pk}/assign/", {"to_user": other_kam.pk}, format="json"
    )
    assert response.status_code == 404
    client.force_login(other_manager)
    page = client.post(f"/accounts/handoffs/{unassigned.pk}/assign/", {"to_user": other_kam.pk})
    assert page.status_code == 404
    unassigned.refresh_from_db()
    assert unassigned.to_user is None


def test_handoffs_not_submitted_in_time_show_on_the_managers_home(
    client, manager, other_manager, rep, unassigned
):
    # given the admin allows 7 days; Acme was won 8 days ago, Beta 3 days ago
    PlanSettings.objects.create(handoff_due_days=7)
    Handoff.objects.filter(pk=unassigned.pk).update(won_at=timezone.now() - timedelta(days=8))
    Handoff.objects.create(
        account=AccountFactory(owner=rep, name="Beta"), deal=102, deal_name="Beta", from_user=rep
    )
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    assert "Handoffs not submitted (1)" in body
    assert "Acme" in body and "no account manager yet" in body
    # the rep and another team's manager see no such widget
    for user in (rep, other_manager):
        client.force_login(user)
        assert "Handoffs not submitted" not in client.get(reverse("home")).content.decode()
    # once submitted it leaves the list
    Handoff.objects.filter(pk=unassigned.pk).update(status=Handoff.Status.SUBMITTED)
    client.force_login(manager)
    assert "Handoffs not submitted" not in client.get(reverse("home")).content.decode()
