"""The columns of the call CSV export (page and API share them)."""

from salesproc.exports import Column


def _name(record):
    return str(record) if record is not None else ""


CALL_COLUMNS = (
    Column("id", "pk"),
    Column("scheduled", "scheduled_at"),
    Column("status", lambda c: c.get_status_display()),
    Column("type", lambda c: _name(c.call_type)),
    Column("channel", lambda c: c.get_channel_display()),
    Column("purpose", "purpose"),
    Column("owner", "owner.display_name"),
    Column("contact", lambda c: _name(c.contact)),
    Column("account", lambda c: _name(c.account)),
    Column("deal", lambda c: _name(c.deal)),
    Column("lead", lambda c: _name(c.lead)),
    Column("result", lambda c: c.get_result_display()),
    Column("duration (min)", "duration_minutes"),
    Column("next steps", "next_steps"),
)
