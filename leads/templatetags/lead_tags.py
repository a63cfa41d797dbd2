"""Small helpers for the lead templates."""

from django import template
from django.urls import NoReverseMatch

register = template.Library()

STATUS_PILLS = {
    "new": "accent",
    "working": "",
    "qualified": "good",
    "disqualified": "bad",
    "converted": "good",
}
RESULT_PILLS = {"met": "good", "missing": "warn", "unknown": "", "failed_must_have": "bad"}
VERDICT_PILLS = {"qualify": "good", "keep_working": "warn", "disqualify": "bad"}


@register.filter
def status_pill(status):
    return STATUS_PILLS.get(status, "")


@register.filter
def result_pill(status):
    return RESULT_PILLS.get(status, "")


@register.filter
def verdict_pill(verdict):
    return VERDICT_PILLS.get(verdict, "")


@register.filter
def answer_raw(value):
    """A stored answer as the form's value: yes / no / '' / the choice / the number."""
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


@register.filter
def url_of(obj):
    """The record's page, or '' while that page does not exist."""
    if obj is None:
        return ""
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


@register.filter
def score_band(score):
    if score is None:
        return "none"
    if score >= 70:
        return "high"
    if score >= 40:
        return "mid"
    return "low"
