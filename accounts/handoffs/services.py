"""Writes for handoffs. Opening is idempotent per account and deal (a unique row), so a
deal.won event delivered twice opens one handoff."""

import logging
from dataclasses import dataclass, fields
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from salesproc.events import record_event
from salesproc.models import User
from salesproc.registry import handoff_prefills_for
from salesproc.services import check_owner, notify

from .models import DEBRIEF_FIELDS, REQUIRED_TO_SUBMIT, Handoff, HandoffComment
from .selectors import may_accept, may_assign, may_write_debrief

log = logging.getLogger(__name__)
LABELS = dict(DEBRIEF_FIELDS)


@dataclass(frozen=True)
class Debrief:
    what_was_sold: str = ""
    why_they_bought: str = ""
    promises: str = ""
    stakeholders: str = ""
    expectations: str = ""
    risks: str = ""
    next_steps: str = ""
    other_notes: str = ""


def _event(handoff, name, actor, summary, data=None):
    record_event(
        subject=handoff.account,
        name=name,
        actor=actor,
        summary=summary,
        data={"handoff": handoff.pk, "deal": handoff.deal, **(data or {})},
    )


def _prefill(deal_id: int) -> dict:
    values = {}
    for prefill in handoff_prefills_for():
        try:
            for name, text in (prefill.fill(deal_id=deal_id) or {}).items():
                if name in LABELS and text and not values.get(name):
                    values[name] = text
        except Exception:  # a contributor's failure must not stop the handoff opening
            log.exception("handoff prefill %s failed for deal %s", prefill.key, deal_id)
    return values


@transaction.atomic
def handoff_open_for_won_deal(
    *, account: Account, deal_id: int, deal_name: str, won_by: User, won_at: datetime
) -> Handoff | None:
    """Open the handoff of a won deal, unless the rep who won manages the account. With no
    account manager yet, the account owner's team manager is asked to assign one."""
    if account.account_manager_id == won_by.pk:
        return None
    existing = Handoff.objects.filter(account=account, deal=deal_id).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            handoff = Handoff.objects.create(
                account=account,
                deal=deal_id,
                deal_name=deal_name[:200],
                from_user=won_by,
                to_user=account.account_manager,
                won_at=won_at,
                **_prefill(deal_id),
            )
    except IntegrityError:  # the same event handled concurrently
        return Handoff.objects.get(account=account, deal=deal_id)
    _event(
        handoff,
        "handoff.opened",
        won_by,
        f"Handoff opened for {deal_name}: {won_by.display_name} debriefs "
        + (handoff.to_user.display_name if handoff.to_user else "the account manager to be named"),
    )
    url = handoff.get_absolute_url()
    notify(
        recipient=won_by,
        text=f"You won {deal_name}: write the handoff debrief for {account.name}",
        url=url,
        key=f"handoff-opened-{handoff.pk}",
        kind="handoff_waiting",
    )
    if handoff.to_user:
        notify(
            recipient=handoff.to_user,
            text=f"{won_by.display_name} is handing {account.name} over to you",
            url=url,
            key=f"handoff-incoming-{handoff.pk}",
            kind="handoff_waiting",
        )
    else:
        team = account.owner.team
        if team and team.manager_id:
            notify(
                recipient=team.manager,
                text=f"{account.name} was won and has no account manager: assign one",
                url=url,
                key=f"handoff-assign-{handoff.pk}",
                kind="handoff_waiting",
            )
    return handoff


def _locked(handoff: Handoff) -> Handoff:
    return (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("account", "account__owner", "from_user", "to_user")
        .get(pk=handoff.pk)
    )


@transaction.atomic
def handoff_update_debrief(*, actor: User, handoff: Handoff, debrief: Debrief) -> Handoff:
    handoff = _locked(handoff)
    if not may_write_debrief(actor, handoff):
        raise PermissionDenied("The rep who won the deal (or their manager) writes the debrief.")
    if handoff.status == Handoff.Status.ACCEPTED:
        raise ValidationError({"status": "The handoff is accepted; its debrief is closed."})
    changed = []
    for field in fields(Debrief):
        value = (getattr(debrief, field.name) or "").strip()
        if getattr(handoff, field.name) != value:
            setattr(handoff, field.name, value)
            changed.append(field.name)
    if changed:
        handoff.save()
        _event(
            handoff, "handoff.debrief_saved", actor, "Handoff debrief saved", {"changed": changed}
        )
    return handoff


@transaction.atomic
def handoff_submit(*, actor: User, handoff: Handoff) -> Handoff:
    handoff = _locked(handoff)
    if not may_write_debrief(actor, handoff):
        raise PermissionDenied("The rep who won the deal (or their manager) submits the debrief.")
    if handoff.status != Handoff.Status.OPEN:
        raise ValidationError(
            {"status": f"Only an open handoff can be submitted; this one is {handoff.status}."}
        )
    missing = {
        name: f"Say {LABELS[name][0].lower() + LABELS[name][1:]} before you submit."
        for name in REQUIRED_TO_SUBMIT
        if not getattr(handoff, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    handoff.status, handoff.submitted_at = Handoff.Status.SUBMITTED, timezone.now()
    handoff.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(handoff, "handoff.submitted", actor, "Handoff debrief submitted")
    if handoff.to_user:
        notify(
            recipient=handoff.to_user,
            text=f"The handoff debrief for {handoff.account.name} is ready to read",
            url=handoff.get_absolute_url(),
            key=f"handoff-submitted-{handoff.pk}",
            kind="handoff_waiting",
        )
    return handoff


@transaction.atomic
def handoff_comment(*, actor: User, handoff: Handoff, text: str) -> HandoffComment:
    """A question or answer on the handoff, by anyone who sees it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write a comment first."})
    if len(text) > 4000:
        raise ValidationError({"text": "Keep a comment under 4,000 characters."})
    comment = HandoffComment.objects.create(handoff=handoff, author=actor, text=text)
    _event(handoff, "handoff.commented", actor, f"Comment on the handoff: {text[:150]}")
    for recipient in {handoff.from_user, handoff.to_user} - {None, actor}:
        notify(
            recipient=recipient,
            text=f"{actor.display_name} commented on the handoff of {handoff.account.name}",
            url=handoff.get_absolute_url(),
            key=f"handoff-comment-{comment.pk}",
            kind="handoff_waiting",
        )
    return comment


@transaction.atomic
def handoff_assign(*, actor: User, handoff: Handoff, to_user: User) -> Handoff:
    """A manager names the account manager a handoff goes to."""
    handoff = _locked(handoff)
    if not may_assign(actor, handoff):
        raise PermissionDenied("A manager assigns the account manager.")
    if handoff.status == Handoff.Status.ACCEPTED:
        raise ValidationError({"status": "The handoff is already accepted."})
    try:
        check_owner(actor=actor, owner=to_user, records="accounts")
    except ValidationError:
        raise ValidationError({"to_user": "Choose yourself or someone in your team."})
    handoff.to_user = to_user
    handoff.save(update_fields=["to_user", "updated_at"])
    _event(handoff, "handoff.assigned", actor, f"Handoff goes to {to_user.display_name}")
    notify(
        recipient=to_user,
        text=f"{handoff.account.name} is being handed over to you",
        url=handoff.get_absolute_url(),
        key=f"handoff-incoming-{handoff.pk}-{to_user.pk}",
        kind="handoff_waiting",
    )
    return handoff


@transaction.atomic
def handoff_accept(*, actor: User, handoff: Handoff) -> Handoff:
    """The account manager accepts: they become the account manager of a managed customer."""
    handoff = _locked(handoff)
    if not may_accept(actor, handoff):
        raise PermissionDenied("Only the account manager it is handed to accepts the handoff.")
    if handoff.status != Handoff.Status.SUBMITTED:
        raise ValidationError(
            {"status": f"Only a submitted handoff can be accepted; this one is {handoff.status}."}
        )
    if handoff.to_user is None:
        raise ValidationError({"to_user": "Assign the account manager first."})
    handoff.status, handoff.accepted_at = Handoff.Status.ACCEPTED, timezone.now()
    handoff.save(update_fields=["status", "accepted_at", "updated_at"])
    account = Account.objects.select_for_update().get(pk=handoff.account_id)
    account.account_manager = handoff.to_user
    account.is_managed = True
    account.status = Account.Status.CUSTOMER
    account.save(update_fields=["account_manager", "is_managed", "status", "updated_at"])
    _event(
        handoff,
        "handoff.accepted",
        actor,
        f"{handoff.to_user.display_name} accepted the handoff and manages the account",
    )
    notify(
        recipient=handoff.from_user,
        text=f"{handoff.to_user.display_name} accepted the handoff of {account.name}",
        url=handoff.get_absolute_url(),
        key=f"handoff-accepted-{handoff.pk}",
        kind="handoff_waiting",
    )
    return handoff
