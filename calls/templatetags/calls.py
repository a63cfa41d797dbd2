from django import template
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def record_url(obj):
    """A record's page, or "" while the app that shows it has no page for it yet."""
    try:
        return obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return ""


@register.filter
def rating(value):
    """1 to 5 as filled and empty dots, with the number for screen readers."""
    if value in (None, ""):
        return "—"
    value = int(value)
    dots = format_html_join(
        "", '<span class="dot{}"></span>', (("" if i < value else " off",) for i in range(5))
    )
    return format_html(
        '<span class="rating" title="{} of 5">{}<span class="sr-only">{} of 5</span></span>',
        value,
        dots,
        value,
    )


@register.filter
def hours(value):
    """Hours as a short human delay: 40 min, 5 h, 3.5 days."""
    if value is None:
        return "—"
    value = float(value)
    if value < 1 / 60:
        return "under a minute"
    if value < 1:
        return f"{round(value * 60)} min"
    if value < 48:
        return f"{value:.0f} h" if value >= 10 else f"{value:.1f} h".replace(".0 h", " h")
    return f"{value / 24:.1f} days".replace(".0 days", " days")


@register.filter
def age(value):
    """How long ago, short: 3 h, 2 days."""
    if not value:
        return ""
    delta = timezone.now() - value
    return hours(delta.total_seconds() / 3600)


@register.filter
def ago(value):
    """How long ago, as a phrase: "just now", "3 h ago", "2 days ago"."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{age(value)} ago"


@register.filter
def lines(value):
    """Non-empty lines of a text."""
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


@register.filter
def get_field(form, name):
    return form[name]


@register.filter
def split(value):
    return str(value).split()


@register.filter
def age_hours(value):
    if not value:
        return 0
    return (timezone.now() - value).total_seconds() / 3600
