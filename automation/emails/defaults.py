"""The templates the product ships with (a data migration adds them once)."""

DEFAULT_TEMPLATES = [
    # name, category, subject, body
    (
        "Follow-up after a call",
        "follow_up",
        'Thanks for your time, {{ contact.first_name|default:"there" }}',
        """Hi {{ contact.first_name|default:"there" }},

thank you for the call on {{ call.date|date:"l, j F" }}. As agreed, the next steps are:

{{ call.next_steps|default:"(next steps)" }}

If I missed anything, just reply to this email.

Best regards,
{{ sender.full_name }}""",
    ),
    (
        "Meeting request",
        "meeting",
        'Meeting about {{ account.name|default:"your plans" }}',
        """Hi {{ contact.first_name|default:"there" }},

I would like to set up a 30-minute meeting to talk about how we can help
{{ account.name|default:"your team" }}. Would one day next week suit you?

Best regards,
{{ sender.full_name }}""",
    ),
    (
        "Proposal cover note",
        "proposal",
        "Our proposal: {{ deal.name }}",
        """Dear {{ contact.first_name|default:"Sir or Madam" }},

please find our proposal for {{ deal.name }} attached. It covers a total of
{{ deal.amount|money }} {{ deal.currency }}, valid until {{ deal.close_date|date:"j F Y"|default:"the date on the quote" }}.

I am happy to walk you through it whenever suits you.

Kind regards,
{{ sender.full_name }}""",
    ),
    (
        "Introducing your new account manager",
        "handoff",
        'Your account manager at {{ sender.team|default:"our company" }}',
        """Hi {{ contact.first_name|default:"there" }},

from today {{ account.manager|default:"a dedicated account manager" }} looks after
{{ account.name }} as your account manager: your first contact for everything about
your account, from the rollout to new needs.

Thank you for your trust so far; you are in very good hands.

Best regards,
{{ sender.full_name }}""",
    ),
    (
        "Nudge on a stalled deal",
        "nudge",
        "Checking in on {{ deal.name }}",
        """Hi {{ contact.first_name|default:"there" }},

I wanted to check in on {{ deal.name }}. Is there anything I can help with to move
things forward, or has something changed on your side?

A short reply is enough; I will plan accordingly.

Best regards,
{{ sender.full_name }}""",
    ),
]
