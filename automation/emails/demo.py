"""Demo email templates: the five shipped ones plus five more (shared and personal), with
usage counts. Idempotent: looked up by name."""

from salesproc.models import User

from .defaults import DEFAULT_TEMPLATES
from .models import EmailTemplate

DEMO_TEMPLATES = [
    # name, category, shared, owner, subject, body, used
    (
        "Intro after a trade fair",
        "prospecting",
        True,
        "manager1",
        'Great to meet you at the fair, {{ lead.first_name|default:"there" }}',
        'Hi {{ lead.first_name|default:"there" }},\n\nit was good to meet you and hear about '
        '{{ lead.company|default:"your company" }}. Shall we find half an hour next week?\n\n'
        "Best regards,\n{{ sender.full_name }}",
        14,
    ),
    (
        "Pricing questions answered",
        "follow_up",
        True,
        "admin",
        "Your pricing questions",
        'Hi {{ contact.first_name|default:"there" }},\n\nhere are the answers to your '
        'questions on pricing for {{ deal.name|default:"the project" }}.\n\n'
        "Best regards,\n{{ sender.full_name }}",
        9,
    ),
    (
        "Demo confirmation",
        "meeting",
        True,
        "manager1",
        'Your demo on {{ call.date|date:"j F" }}',
        'Hi {{ contact.first_name|default:"there" }},\n\nthis confirms our demo on '
        '{{ call.date|date:"l, j F, H:i" }} about {{ call.purpose }}.\n\n'
        "See you then,\n{{ sender.full_name }}",
        6,
    ),
    (
        "My quick check-in",
        "nudge",
        False,
        "rep1",
        "Quick question",
        'Hi {{ contact.first_name|default:"there" }},\n\ndo you have five minutes this week '
        "for a quick call?\n\n{{ sender.first_name }}",
        4,
    ),
    (
        "Thanks for the order",
        "other",
        False,
        "rep1",
        "Thank you, {{ account.name }}",
        'Hi {{ contact.first_name|default:"there" }},\n\nthank you for choosing us for '
        "{{ deal.name }}. I will be in touch about the next steps.\n\n{{ sender.full_name }}",
        2,
    ),
]
DEFAULT_USAGE = [23, 11, 8, 3, 5]


def ensure_default_templates():
    for name, category, subject, body in DEFAULT_TEMPLATES:
        EmailTemplate.objects.get_or_create(
            name=name,
            shared=True,
            defaults={"category": category, "subject": subject, "body": body},
        )


def seed(*, stdout=None):
    ensure_default_templates()
    for (name, *_), used in zip(DEFAULT_TEMPLATES, DEFAULT_USAGE, strict=True):
        EmailTemplate.objects.filter(name=name, shared=True, usage_count=0).update(usage_count=used)
    users = {u.username: u for u in User.objects.filter(username__in={"admin", "manager1", "rep1"})}
    for name, category, shared, owner, subject, body, used in DEMO_TEMPLATES:
        if owner not in users:
            continue
        EmailTemplate.objects.get_or_create(
            name=name,
            owner=users[owner],
            defaults={
                "category": category,
                "shared": shared,
                "subject": subject,
                "body": body,
                "usage_count": used,
            },
        )
    if stdout:
        stdout.write(f"  email templates: {EmailTemplate.objects.count()}")
