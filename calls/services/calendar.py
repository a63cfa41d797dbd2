"""The private calendar feed address of a rep: renewed or turned off."""

import secrets

from django.db import transaction

from salesproc.events import record_event
from salesproc.models import User


@transaction.atomic
def calendar_token_regenerate(*, actor: User) -> str:
    """A new private feed address; the old one stops working at once."""
    actor.calendar_token = secrets.token_urlsafe(32)
    actor.save(update_fields=["calendar_token"])
    record_event(
        subject=actor,
        name="calendar.token_created",
        actor=actor,
        summary="Calendar feed address renewed",
    )
    return actor.calendar_token


@transaction.atomic
def calendar_token_revoke(*, actor: User) -> None:
    if not actor.calendar_token:
        return
    actor.calendar_token = ""
    actor.save(update_fields=["calendar_token"])
    record_event(
        subject=actor,
        name="calendar.token_revoked",
        actor=actor,
        summary="Calendar feed turned off",
    )
