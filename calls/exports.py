"""The columns of the call CSV export (page and API share them)."""

from calls.models import Call
from salesproc.exports import Column


def _name(record):
    return str(record) if record is not None else ""


CALL_COLUMNS = (
    Column("id", "pk"),
    Column("scheduled", "scheduled_at"),
    Column("status", "status", labels=dict(Call.Status.choices)),
    Column("type", lambda c: _name(c.call_type)),
    Column("channel", "channel", labels=dict(Call.Channel.choices)),
    Column("purpose", "purpose"),
    Column("owner", "owner.display_name"),
    Column("contact", lambda c: _name(c.contact)),
    Column("account", lambda c: _name(c.account)),
    Column("deal", lambda c: _name(c.deal)),
    Column("lead", lambda c: _name(c.lead)),
    Column("result", "result", labels=dict(Call.Result.choices)),
    Column("duration (min)", "duration_minutes"),
    Column("next steps", "next_steps"),
)
