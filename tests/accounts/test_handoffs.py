"""The handoff: opened once per won deal (also when the event is delivered twice), the
rep's debrief, the comment thread, acceptance; who may do which step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.handoffs import services
from accounts.handoffs.models import Handoff
from accounts.models import Account
from deals.services import deal_win
from salesproc.events import dispatch_event
from salesproc.models import Event, Notification
from tests.conftest import api_for
from tests.factories import AccountFactory, DealFactory

pytestmark = pytest.mark.django_db

FULL = services.Debrief(
    what_was_sold="200 seats and onboarding",
    why_they_bought="Cut the reporting time in half",
    expectations="Live in six weeks",
    next_steps="Kick-off call with their COO",
)


def win(deal, actor, capture):
    with capture(execute=True):
        deal_win(actor=actor, deal=deal)
    return Event.objects.get(name="deal.won", object_id=deal.pk)


@pytest.fixture
def won(rep, kam, django_capture_on_commit_callbacks):
    account = AccountFactory(owner=rep, account_manager=kam, is_managed=True, name="Acme")
    deal = DealFactory(owner=rep, account=account, name="Acme seats", amount=50000)
    win(deal, rep, django_capture_on_commit_callbacks)
    return Handoff.objects.get()


def test_a_win_on_an_account_someone_else_manages_opens_one_handoff(
    rep, kam, won, django_capture_on_commit_callbacks
):
    assert (won.from_user, won.to_user, won.status, won.deal_name) == (
        rep,
        kam,
        "open",
        "Acme seats",
    )
    # the same event delivered again opens no second handoff
    event = Event.objects.get(name="deal.won")
    from salesproc.models import EventDelivery

    EventDelivery.objects.all().delete()
    dispatch_event(event.pk)
    assert Handoff.objects.count() == 1
    assert Event.objects.filter(name="handoff.opened").count() == 1
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "alice",
        "kim",
    }


def test_no_handoff_when_the_rep_manages_the_account(rep, django_capture_on_commit_callbacks):
    account = AccountFactory(owner=rep, account_manager=rep)
    win(DealFactory(owner=rep, account=account), rep, django_capture_on_commit_callbacks)
    assert not Handoff.objects.exists()


def test_without_an_account_manager_the_teams_manager_is_asked(
    rep, manager, django_capture_on_commit_callbacks
):
    account = AccountFactory(owner=rep)
    win(DealFactory(owner=rep, account=account), rep, django_capture_on_commit_callbacks)
    handoff = Handoff.objects.get()
    assert handoff.to_user is None
    assert Notification.objects.filter(
        recipient=manager, text__contains="has no account manager"
    ).exists()


def test_the_full_handoff_debrief_comment_accept(rep, kam, won):
    services.handoff_update_debrief(actor=rep, handoff=won, debrief=FULL)
    services.handoff_submit(actor=rep, handoff=won)
    services.handoff_comment(actor=kam, handoff=won, text="Who signs the renewal?")
    services.handoff_comment(actor=rep, handoff=won, text="Their CFO")
    handoff = services.handoff_accept(actor=kam, handoff=won)
    account = Account.objects.get(pk=won.account_id)
    assert handoff.status == "accepted"
    assert (account.account_manager, account.is_managed, account.status) == (kam, True, "customer")
    assert [c.text for c in handoff.comments.all()] == ["Who signs the renewal?", "Their CFO"]
    timeline = list(
        Event.objects.filter(name__startswith="handoff.")
        .order_by("id")
        .values_list("name", flat=True)
    )
    assert timeline == [
        "handoff.opened",
        "handoff.debrief_saved",
        "handoff.submitted",
        "handoff.commented",
        "handoff.commented",
        "handoff.accepted",
    ]


def test_out_of_order_steps_are_refused_with_the_reason(rep, kam, won):
    with pytest.raises(ValidationError) as early:
        services.handoff_accept(actor=kam, handoff=won)
    assert early.value.message_dict == {
        "status": ["Only a submitted handoff can be accepted; this one is open."]
    }
    with pytest.raises(ValidationError) as incomplete:
        services.handoff_submit(actor=rep, handoff=won)
    assert incomplete.value.message_dict["what_was_sold"] == [
        "Say what was sold before you submit."
    ]
    won.refresh_from_db()
    assert won.status == "open"


def test_only_the_rep_writes_and_only_the_account_manager_accepts(rep, kam, teammate, won):
    with pytest.raises(PermissionDenied):
        services.handoff_update_debrief(actor=kam, handoff=won, debrief=FULL)
    services.handoff_update_debrief(actor=rep, handoff=won, debrief=FULL)
    services.handoff_submit(actor=rep, handoff=won)
    with pytest.raises(PermissionDenied):
        services.handoff_accept(actor=rep, handoff=won)
    won.refresh_from_db()
    assert won.status == "submitted"


def test_the_api_runs_the_handoff(rep, kam, won):
    body = api_for(rep).get(f"/api/v1/handoffs/{won.pk}/").json()
    assert {k: body[k] for k in ("account", "deal", "from_user", "to_user", "status")} == {
        "account": won.account_id,
        "deal": won.deal,
        "from_user": rep.pk,
        "to_user": kam.pk,
        "status": "open",
    }
    early = api_for(kam).post(f"/api/v1/handoffs/{won.pk}/accept/")
    assert early.status_code == 400
    patched = api_for(rep).patch(
        f"/api/v1/handoffs/{won.pk}/",
        {
            "what_was_sold": "Seats",
            "why_they_bought": "Speed",
            "expectations": "Live soon",
            "next_steps": "Kick-off",
        },
        format="json",
    )
    assert patched.json()["what_was_sold"] == "Seats"
    assert api_for(rep).post(f"/api/v1/handoffs/{won.pk}/submit/").json()["status"] == "submitted"
    comment = api_for(kam).post(
        f"/api/v1/handoffs/{won.pk}/comment/", {"text": "When is the kick-off?"}, format="json"
    )
    assert comment.status_code == 201
    empty = api_for(kam).post(f"/api/v1/handoffs/{won.pk}/comment/", {"text": ""}, format="json")
    assert empty.status_code == 400
    accepted = api_for(kam).post(f"/api/v1/handoffs/{won.pk}/accept/")
    assert accepted.json()["status"] == "accepted"


def test_another_team_sees_no_handoff(other_rep, other_kam, won):
    assert api_for(other_kam).get(f"/api/v1/handoffs/{won.pk}/").status_code == 404
    assert api_for(other_rep).get("/api/v1/handoffs/").json()["count"] == 0
    assert api_for(other_kam).post(f"/api/v1/handoffs/{won.pk}/accept/").status_code == 404
    won.refresh_from_db()
    assert won.status == "open"


def test_the_handoff_page_flow(client, rep, kam, won):
    client.force_login(rep)
    page = client.get(f"/accounts/handoffs/{won.pk}/")
    assert "Why the customer bought" in page.content.decode()
    bad = client.post(f"/accounts/handoffs/{won.pk}/submit/")
    assert bad.status_code == 400
    assert "Say what was sold before you submit." in bad.content.decode()
    client.post(
        f"/accounts/handoffs/{won.pk}/",
        {
            "what_was_sold": "Seats",
            "why_they_bought": "Speed",
            "expectations": "Live soon",
            "next_steps": "Kick-off",
        },
    )
    client.post(f"/accounts/handoffs/{won.pk}/submit/")
    client.force_login(kam)
    client.post(f"/accounts/handoffs/{won.pk}/comment/", {"text": "Who signs?"})
    page = client.get(f"/accounts/handoffs/{won.pk}/").content.decode()
    assert "Who signs?" in page and "Plan the transition call" in page
    client.post(f"/accounts/handoffs/{won.pk}/accept/")
    won.refresh_from_db()
    assert won.status == "accepted"
    listing = client.get("/accounts/handoffs/")
    assert [h.pk for h in listing.context["page"]] == [won.pk]
