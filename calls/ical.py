"""A small iCalendar (RFC 5545) writer for the planned-calls feed.

Only what a calendar needs to show a planned call: VCALENDAR with one VEVENT per call.
Lines end in CRLF, text values are escaped (3.3.11) and long lines folded at 75 octets
(3.1) without splitting a UTF-8 character.
"""

from datetime import UTC

from django.conf import settings
from django.utils import timezone

PRODUCT_ID = "-//salesproc//Call management//EN"


def escape_text(value):
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    value = str(value or "")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """Split a content line into 75-octet pieces; continuation lines start with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    pieces, current, limit = [], b"", 75
    for char in line:
        size = len(char.encode("utf-8"))
        if len(current) + size > limit:
            pieces.append(current.decode("utf-8"))
            current, limit = b"", 74  # the leading space counts
        current += char.encode("utf-8")
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def utc_stamp(value):
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _host():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "salesproc"


def event_lines(call, *, link, stamp):
    description = [f"Purpose: {call.purpose}"]
    if call.desired_outcome:
        description.append(f"Next step to secure: {call.desired_outcome}")
    questions = [q.text for q in call.questions.all()]
    if questions:
        description.append("Questions to ask:")
        description.extend(f"- {q}" for q in questions)
    if link:
        description.append(link)
    who = call.about_label
    summary = f"{call.call_type.name if call.call_type_id else 'Call'}: {who}"
    location = {
        "phone": call.contact.phone if call.contact_id and call.contact.phone else "Phone",
        "video": "Video call",
        "in_person": (call.account.city if call.account_id and call.account.city else "In person"),
    }.get(call.channel, "")
    lines = [
        "BEGIN:VEVENT",
        f"UID:call-{call.pk}@{_host()}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(call.scheduled_at)}",
        f"DTEND:{utc_stamp(call.scheduled_end)}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"LOCATION:{escape_text(location)}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        f"LAST-MODIFIED:{utc_stamp(call.updated_at)}",
    ]
    if link:
        lines.append(f"URL:{link}")
    lines.append("END:VEVENT")
    return lines


def item_lines(item, *, stamp):
    """A VEVENT of another kind of entry (a task from salesproc.todo): a dict with uid,
    start, end, summary, description, url and updated."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{item['uid']}@{_host()}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(item['start'])}",
        f"DTEND:{utc_stamp(item['end'])}",
        f"SUMMARY:{escape_text(item['summary'])}",
        f"DESCRIPTION:{escape_text(item.get('description', ''))}",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        f"LAST-MODIFIED:{utc_stamp(item['updated'])}",
    ]
    if item.get("url"):
        lines.append(f"URL:{item['url']}")
    lines.append("END:VEVENT")
    return lines


def calendar_for(*, user, calls, link=None, items=()):
    """The whole feed as a string: a VCALENDAR of the user's planned calls, and any other
    entries given (their open tasks)."""
    stamp = utc_stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'Calls of {user.display_name}')}",
        "X-PUBLISHED-TTL:PT15M",
    ]
    for call in calls:
        lines.extend(event_lines(call, link=link(call) if link else "", stamp=stamp))
    for item in items:
        lines.extend(item_lines(item, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
