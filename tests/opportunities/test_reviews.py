"""Win/loss reviews: asked for by an event subscriber on deal.won and deal.lost, once per
deal and outcome; written by the owner, noted by the manager; pending ones on the home page."""

import pytest
from django.core.exceptions import ValidationError

from deals import services as deal_services
from opportunities import services
from opportunities.models import WinLossReview
from salesproc.events import dispatch_event
from salesproc.models import Event, Notification
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def _win(deal, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_win(actor=actor, deal=deal)


def test_winning_a_deal_asks_its_owner_for_a_review(rep, deal, django_capture_on_commit_callbacks):
    _win(deal, rep, django_capture_on_commit_callbacks)

    review = WinLossReview.objects.get(deal=deal)
    assert (review.outcome, review.status) == ("won", "pending")
    assert Notification.objects.filter(
        recipient=rep, url=f"/opportunities/reviews/{review.pk}/"
    ).exists()


def test_losing_a_deal_asks_for_a_loss_review(
    rep, deal, lost_reason, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_lose(actor=rep, deal=deal, detail="Too dear")

    assert list(WinLossReview.objects.values_list("outcome", "status")) == [("lost", "pending")]


def test_the_request_is_idempotent_per_deal_and_outcome(
    rep, deal, django_capture_on_commit_callbacks
):
    _win(deal, rep, django_capture_on_commit_callbacks)
    event = Event.objects.get(name="deal.won")

    # a second delivery of the same event, and a direct second request
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    event.deliveries.all().delete()
    dispatch_event(event.pk)
    review, created = services.review_request(deal=deal, outcome="won")

    assert created is False
    assert WinLossReview.objects.filter(deal=deal).count() == 1
    # one review request; the other notification is the handoff debrief (accounts), also once
    assert Notification.objects.filter(recipient=rep, text__startswith="Won: ").count() == 1
    assert Notification.objects.filter(recipient=rep).count() == 2


def test_the_owner_writes_the_review(
    rep, deal, won_reason, competitor, strategy, django_capture_on_commit_callbacks
):
    _win(deal, rep, django_capture_on_commit_callbacks)
    review = WinLossReview.objects.get(deal=deal)

    services.review_submit(
        actor=rep,
        review=review,
        reason=won_reason,
        competitor=competitor,
        strategy=strategy,
        what_worked="The pilot",
    )

    review.refresh_from_db()
    assert (review.status, review.reason, review.competitor) == ("done", won_reason, competitor)
    assert Event.objects.filter(name="win_loss.reviewed", object_id=deal.pk).count() == 1


def test_a_reason_for_the_other_outcome_is_refused(
    rep, deal, lost_reason, django_capture_on_commit_callbacks
):
    _win(deal, rep, django_capture_on_commit_callbacks)
    review = WinLossReview.objects.get(deal=deal)

    with pytest.raises(ValidationError) as exc:
        services.review_submit(actor=rep, review=review, reason=lost_reason, what_worked="x")

    assert exc.value.message_dict == {"reason": ["“Price” is a reason for a lost deal."]}
    review.refresh_from_db()
    assert review.status == "pending"


def test_the_manager_adds_a_note_the_owner_cannot(
    rep, manager, deal, django_capture_on_commit_callbacks
):
    _win(deal, rep, django_capture_on_commit_callbacks)
    review = WinLossReview.objects.get(deal=deal)

    with pytest.raises(ValidationError):
        services.review_add_note(actor=rep, review=review, note="I did great")
    services.review_add_note(actor=manager, review=review, note="Well run pilot")

    review.refresh_from_db()
    assert review.manager_note == "Well run pilot"


def test_another_teams_review_is_a_404_and_stays_pending(
    rep, other_rep, other_manager, deal, won_reason, django_capture_on_commit_callbacks
):
    _win(deal, rep, django_capture_on_commit_callbacks)
    review = WinLossReview.objects.get(deal=deal)

    for who in (other_rep, other_manager):
        client = api_for(who)
        assert client.get(f"/api/v1/win-loss-reviews/{review.pk}/").status_code == 404
        response = client.patch(
            f"/api/v1/win-loss-reviews/{review.pk}/",
            {"reason": won_reason.pk, "what_worked": "x"},
            format="json",
        )
        assert response.status_code == 404
    review.refresh_from_db()
    assert review.status == "pending"


def test_the_api_review_has_the_contract_fields(
    rep, deal, won_reason, django_capture_on_commit_callbacks
):
    _win(deal, rep, django_capture_on_commit_callbacks)
    review = WinLossReview.objects.get(deal=deal)
    client = api_for(rep)

    response = client.patch(
        f"/api/v1/win-loss-reviews/{review.pk}/",
        {"reason": won_reason.pk, "what_worked": "ROI case"},
        format="json",
    )

    body = response.json()
    assert {k: body[k] for k in ("deal", "outcome", "status", "reason")} == {
        "deal": deal.pk,
        "outcome": "won",
        "status": "done",
        "reason": won_reason.pk,
    }


def test_pending_reviews_show_on_the_owners_home_until_done(
    client, rep, deal, won_reason, django_capture_on_commit_callbacks
):
    _win(deal, rep, django_capture_on_commit_callbacks)
    client.force_login(rep)

    assert "Win/loss reviews to write" in client.get("/").content.decode()
    services.review_submit(
        actor=rep, review=WinLossReview.objects.get(deal=deal), reason=won_reason, what_worked="x"
    )
    assert "Win/loss reviews to write" not in client.get("/").content.decode()


def test_the_review_page_saves_the_review(
    client, rep, deal, won_reason, django_capture_on_commit_callbacks
):
    _win(deal, rep, django_capture_on_commit_callbacks)
    review = WinLossReview.objects.get(deal=deal)
    client.force_login(rep)

    bad = client.post(f"/opportunities/reviews/{review.pk}/", {"what_worked": "x"})
    good = client.post(
        f"/opportunities/reviews/{review.pk}/", {"reason": won_reason.pk, "what_worked": "x"}
    )

    assert bad.status_code == 400
    assert "Pick the main reason" in bad.content.decode()
    assert good.status_code == 302
    review.refresh_from_db()
    assert review.status == "done"
