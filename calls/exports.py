"""The columns of the call CSV export (page and API share them)."""

from calls.models import Call
from salesproc.exports import Column, person, person_name


def _full_name(first, last):
    return person_name(first, last, "")


CALL_COLUMNS = (
    Column("id", "pk"),
    Column("scheduled", "scheduled_at"),
    Column("status", "status", labels=dict(Call.Status.choices)),
    Column("type", "call_type__name"),
    Column("channel", "channel", labels=dict(Call.Channel.choices)),
    Column("purpose", "purpose"),
    Column("owner", **person("owner")),
    Column("contact", ("contact__first_name", "contact__last_name"), compute=_full_name),
    Column("account", "account__name"),
    Column("deal", "deal__name"),
    Column("lead", ("lead__first_name", "lead__last_name"), compute=_full_name),
    Column("result", "result", labels=dict(Call.Result.choices)),
    Column("duration (min)", "duration_minutes"),
    Column("next steps", "next_steps"),
)
