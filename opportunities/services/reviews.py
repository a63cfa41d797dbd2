"""Win/loss reviews: requested when a deal closes, written by its owner, noted by the manager."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from deals.models import Deal
from opportunities.models import (
    Competitor,
    OpportunityPlan,
    WinLossReason,
    WinLossReview,
    WinStrategy,
)
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import notify


def _manages(actor, owner):
    return actor.is_crm_admin or (owner.team_id and owner.team_id in actor.managed_team_ids)


def review_request(*, deal: Deal, outcome: str) -> tuple[WinLossReview, bool]:
    """Ask the owner for a review of this outcome. Idempotent per deal and outcome."""
    if outcome not in WinLossReview.Outcome.values:
        raise ValidationError({"outcome": "A review is of a win or a loss."})
    existing = WinLossReview.objects.filter(deal=deal, outcome=outcome).first()
    if existing is not None:
        return existing, False
    completeness = (
        OpportunityPlan.objects.filter(deal=deal).values_list("completeness", flat=True).first()
    )
    try:
        with transaction.atomic():
            review = WinLossReview.objects.create(
                deal=deal, outcome=outcome, plan_completeness=completeness
            )
    except IntegrityError:  # a second delivery raced us
        return WinLossReview.objects.get(deal=deal, outcome=outcome), False
    notify(
        recipient=deal.owner,
        text=f"{'Won' if outcome == 'won' else 'Lost'}: {deal.name}. What decided it? "
        "Write the win/loss review.",
        url=review.get_absolute_url(),
        key=f"win_loss_review:{review.pk}",
        kind="review_requested",
    )
    return review, True


@transaction.atomic
def review_submit(
    *,
    actor: User,
    review: WinLossReview,
    reason: WinLossReason | None,
    competitor: Competitor | None = None,
    strategy: WinStrategy | None = None,
    what_worked: str = "",
    what_did_not: str = "",
) -> WinLossReview:
    review = (
        WinLossReview.objects.select_for_update()
        .select_related("deal", "deal__owner")
        .get(pk=review.pk)
    )
    deal = review.deal
    if actor.pk != deal.owner_id and not _manages(actor, deal.owner):
        raise ValidationError({"reason": "The deal's owner writes the review."})
    errors = {}
    if reason is None:
        errors["reason"] = f"Pick the main reason the deal was {review.outcome}."
    elif reason.outcome != review.outcome:
        errors["reason"] = (
            f"“{reason.name}” is a reason for a {reason.get_outcome_display().lower()} deal."
        )
    elif not reason.is_active and reason.pk != review.reason_id:
        errors["reason"] = f"“{reason.name}” is no longer in the list of reasons."
    if not (what_worked or "").strip() and not (what_did_not or "").strip():
        errors["what_worked"] = "Say what worked or what did not: the next rep learns from it."
    if errors:
        raise ValidationError(errors)
    first = review.status == WinLossReview.Status.PENDING
    review.reason = reason
    review.competitor = competitor
    review.strategy = strategy
    review.what_worked = what_worked.strip()
    review.what_did_not = what_did_not.strip()
    review.status = WinLossReview.Status.DONE
    review.reviewed_at = timezone.now()
    review.reviewed_by = actor
    review.save()
    record_event(
        subject=deal,
        name="win_loss.reviewed",
        actor=actor,
        summary=f"{review.get_outcome_display()} review{'' if first else ' revised'}: {reason.name}"
        + (f", against {competitor.name}" if competitor else ""),
        data={
            "review": review.pk,
            "outcome": review.outcome,
            "reason": reason.pk,
            "competitor": competitor.pk if competitor else None,
            "strategy": strategy.pk if strategy else None,
        },
        also=[deal.account],
    )
    return review


@transaction.atomic
def review_add_note(*, actor: User, review: WinLossReview, note: str) -> WinLossReview:
    review = (
        WinLossReview.objects.select_for_update()
        .select_related("deal", "deal__owner")
        .get(pk=review.pk)
    )
    if actor.pk == review.deal.owner_id or not _manages(actor, review.deal.owner):
        raise ValidationError({"manager_note": "Only the owner's manager adds the manager's note."})
    review.manager_note = (note or "").strip()
    review.save(update_fields=["manager_note"])
    record_event(
        subject=review.deal,
        name="win_loss.reviewed",
        actor=actor,
        summary="Manager's note on the win/loss review",
        data={"review": review.pk, "manager_note": True},
        also=[review.deal.account],
    )
    return review
