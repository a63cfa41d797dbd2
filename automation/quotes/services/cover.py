"""A quote's cover letter started from an email template (automation.emails): the
templates a rep may use, and the template's text filled in for the quote's deal."""

from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from automation.emails.models import EmailTemplate
from automation.emails.services import render_template

COVER_CATEGORY = EmailTemplate.Category.PROPOSAL  # "Proposal cover note" ships in it


def cover_templates_for(user):
    """Templates the user may use (shared ones and their own), proposal ones first."""
    return (
        EmailTemplate.objects.visible_to(user)
        .annotate(
            cover_first=Case(
                When(category=COVER_CATEGORY, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("cover_first", "name", "id")
    )


def cover_letter_from(*, actor, quote, template):
    """The template's body filled in for the quote's deal, as the actor writes it.

    A template the actor may not use, or one with a field the emails part does not
    know, is refused with a field error on cover_template (nothing is written here).
    """
    if template is None:
        return None
    if not cover_templates_for(actor).filter(pk=template.pk).exists():
        raise ValidationError({"cover_template": ["Choose one of your or the shared templates."]})
    try:
        _subject, body = render_template(template=template, record=quote.deal, sender=actor)
    except ValidationError as exc:
        problems = [m for messages in exc.message_dict.values() for m in messages]
        raise ValidationError(
            {"cover_template": [f"“{template.name}” can't be used: {' '.join(problems)}"]}
        ) from None
    return body.strip()


def count_cover_use(template):
    """A template put into a cover letter counts as a use, like an email sent with it."""
    EmailTemplate.objects.filter(pk=template.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=timezone.now()
    )
