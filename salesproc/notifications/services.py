"""Preferences per kind, and the daily digest (sent once per person per day)."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from salesproc.models import Notification, User

from .kinds import CHANNEL_KEYS, DIGEST, EMAIL, IN_APP, KIND_DEFAULTS, KIND_KEYS, KIND_LABELS, OTHER
from .models import DigestSend, NotificationPreference

log = logging.getLogger(__name__)

DIGEST_LIMIT = 200  # lines in one digest email; the rest are on the page


def channel_for(*, recipient: User, kind: str, email: bool = False) -> str:
    """How this kind of news reaches the recipient: their choice, else the kind's
    default, else what the sender asked for."""
    if kind not in KIND_KEYS:
        kind = OTHER
    chosen = (
        NotificationPreference.objects.filter(user=recipient, kind=kind)
        .values_list("channel", flat=True)
        .first()
    )
    if chosen:
        return chosen
    default = KIND_DEFAULTS.get(kind)
    if default:
        return default
    return EMAIL if email else IN_APP


def preferences_for(*, user: User) -> list[dict]:
    """Every kind with the channel in force for this user (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return [
        {
            "kind": kind,
            "label": KIND_LABELS[kind],
            "channel": chosen.get(kind) or KIND_DEFAULTS[kind] or IN_APP,
            "chosen": kind in chosen,
        }
        for kind in KIND_KEYS
    ]


@transaction.atomic
def preference_set(*, actor: User, kind: str, channel: str) -> NotificationPreference:
    errors = {}
    if kind not in KIND_KEYS:
        errors["kind"] = f"Unknown kind of notification: {kind}."
    if channel not in CHANNEL_KEYS:
        errors["channel"] = "Choose in the app, email or the daily digest."
    if errors:
        raise ValidationError(errors)
    preference, _ = NotificationPreference.objects.update_or_create(
        user=actor, kind=kind, defaults={"channel": channel}
    )
    return preference


@transaction.atomic
def preferences_set(*, actor: User, choices: dict) -> list[dict]:
    """Several kinds at once (the preferences page); all or nothing."""
    for kind, channel in choices.items():
        preference_set(actor=actor, kind=kind, channel=channel)
    return preferences_for(user=actor)


def digest_recipient_ids(*, before=None) -> list[int]:
    """People with digest notifications not yet sent."""
    qs = Notification.objects.filter(channel=DIGEST, digested_at__isnull=True)
    if before is not None:
        qs = qs.filter(created_at__lt=before)
    return sorted(set(qs.values_list("recipient_id", flat=True)))


def digest_send(*, user_id: int, day=None) -> bool:
    """Send one person's digest of the day, once.

    The DigestSend row (unique per person and day) is the claim: a second run, a
    concurrent worker or a redelivered task finds it and sends nothing. The claimed
    notifications are marked in the same transaction as the claim, so none goes in two
    digests; if the mail server refuses, the claim is given back and the task retries.
    """
    day = day or timezone.localdate()
    now = timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    try:
        with transaction.atomic():
            claim = DigestSend.objects.create(user=user, day=day)
            ids = list(
                Notification.objects.filter(
                    recipient=user, channel=DIGEST, digested_at__isnull=True, created_at__lt=now
                )
                .order_by("created_at", "id")
                .values_list("id", flat=True)
            )
            if not ids:
                claim.delete()
                return False
            Notification.objects.filter(pk__in=ids).update(digested_at=now)
            claim.count = len(ids)
            claim.save(update_fields=["count"])
    except IntegrityError:  # today's digest is already claimed
        return False
    items = list(Notification.objects.filter(pk__in=ids[:DIGEST_LIMIT]).order_by("created_at"))
    lines = [f"- {n.text}" + (f"\n  {settings.SITE_URL}{n.url}" if n.url else "") for n in items]
    if len(ids) > DIGEST_LIMIT:
        lines.append(
            f"... and {len(ids) - DIGEST_LIMIT} more on {settings.SITE_URL}/notifications/"
        )
    try:
        send_mail(
            subject=f"[salesproc] Your day: {len(ids)} notification{'s' if len(ids) != 1 else ''}",
            message="\n".join(lines) + "\n",
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        with transaction.atomic():  # give the claim back: the retry sends it
            Notification.objects.filter(pk__in=ids, digested_at=now).update(digested_at=None)
            DigestSend.objects.filter(pk=claim.pk).delete()
        raise
    DigestSend.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return True
