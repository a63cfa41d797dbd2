"""Writes and the rules of email templates: who edits which, rendering on a record,
sending, and the usage count."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from salesproc.access import get_visible_or_404
from salesproc.events import record_event
from salesproc.registry import get_record_for_user, record_type_of
from salesproc.services import apply_changes

from . import fields, rendering
from .models import EmailTemplate

log = logging.getLogger(__name__)
EDITABLE = ("name", "category", "subject", "body", "shared")


def may_share(user):
    return bool(user.is_crm_admin or user.is_manager)


def may_edit(user, template):
    if template.shared:
        return may_share(user)
    return template.owner_id == user.pk


def get_template_for_user(user, pk, *, for_write=False):
    """The template if the user may see it (404 otherwise); for_write, one they may edit."""
    template = get_visible_or_404(EmailTemplate.objects.all(), user, pk, for_write=for_write)
    if for_write and not may_edit(user, template):
        raise PermissionDenied("Only admins and managers edit shared templates.")
    return template


def check_text(*, subject, body):
    """Field errors of a subject and body against the merge fields ({} when fine)."""
    errors = {}
    for name, text in (("subject", subject), ("body", body)):
        problems = rendering.check(text or "", fields.FIELD_KEYS)
        if problems:
            errors[name] = problems
    if "\n" in (subject or "") or "\r" in (subject or ""):
        errors.setdefault("subject", []).append("A subject is one line.")
    return errors


def _validate(*, actor, template):
    errors = check_text(subject=template.subject, body=template.body)
    if template.shared and not may_share(actor):
        errors["shared"] = ["Only admins and managers can share a template."]
    if not (template.name or "").strip():
        errors["name"] = ["Name the template."]
    if not (template.subject or "").strip():
        errors.setdefault("subject", []).append("Write a subject.")
    if not (template.body or "").strip():
        errors.setdefault("body", []).append("Write the email.")
    if errors:
        raise ValidationError(errors)
    try:
        template.full_clean(exclude=["owner"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


@transaction.atomic
def email_template_create(*, actor, data):
    template = EmailTemplate(owner=actor, **{k: data[k] for k in EDITABLE if k in data})
    _validate(actor=actor, template=template)
    template.save()
    return template


@transaction.atomic
def email_template_update(*, actor, template, data):
    template = get_template_for_user(actor, template.pk, for_write=True)
    apply_changes(template, EDITABLE, data)
    _validate(actor=actor, template=template)
    template.save()
    return template


@transaction.atomic
def email_template_delete(*, actor, template):
    template = get_template_for_user(actor, template.pk, for_write=True)
    template.delete()


def _render(*, subject, body, record, sender):
    values = fields.values_for(record, sender)
    errors = {}
    rendered = {}
    for name, text in (("subject", subject), ("body", body)):
        try:
            rendered[name] = rendering.render(text, values)
        except rendering.Problems as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return rendered["subject"].strip(), rendered["body"]


def render_template(*, template, record, sender):
    """(subject, body) of a template filled in for a record, as the sender writes it.

    The service other parts use (quote cover letters). The caller has already checked
    that the sender may see the record; a template with an unknown field raises a
    ValidationError with field errors.
    """
    return _render(subject=template.subject, body=template.body, record=record, sender=sender)


def template_render_for_record(*, actor, template_id, record_type, record_id):
    """The preview: 404 for a template or a record the actor may not see."""
    template = get_template_for_user(actor, template_id)
    record = get_record_for_user(record_type, record_id, actor)
    subject, body = render_template(template=template, record=record, sender=actor)
    return template, record, subject, body


def _recipient(to, record):
    address = (to or "").strip() or fields.recipient_for(record)
    if not address:
        raise ValidationError({"to": ["This record has no email address; enter one."]})
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"to": ["Enter a valid email address."]}) from None
    return address


def email_send(
    *, actor, template_id, record_type, record_id, to="", subject=None, body=None, cc_owner=False
):
    """Send an email from a template on a record and record it on the record's timeline.

    subject and body are the (edited) text to send, defaulting to the template's; they
    are rendered again, so a merge field typed while editing is filled in and an unknown
    one refuses the send. The mail goes out before anything is written (no network call
    inside a transaction); the event and usage count follow in one transaction.
    """
    template = get_template_for_user(actor, template_id)
    record = get_record_for_user(record_type, record_id, actor)
    return _send(
        actor=actor,
        template=template,
        record=record,
        to=to,
        subject=template.subject if subject is None else subject,
        body=template.body if body is None else body,
    )


def _send(*, actor, template, record, to, subject, body, via_rule=None):
    errors = check_text(subject=subject, body=body)
    if errors:
        raise ValidationError(errors)
    address = _recipient(to, record)
    rendered_subject, rendered_body = _render(
        subject=subject, body=body, record=record, sender=actor
    )
    message = EmailMessage(
        subject=rendered_subject,
        body=rendered_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        reply_to=[actor.email] if actor.email else None,
    )
    try:
        message.send()
    except Exception:
        log.warning("could not send template %s to %s", template.pk, address, exc_info=True)
        raise ValidationError(
            {"non_field_errors": ["The email could not be sent; try again later."]}
        ) from None
    with transaction.atomic():
        EmailTemplate.objects.filter(pk=template.pk).update(
            usage_count=F("usage_count") + 1, last_used_at=timezone.now()
        )
        objects = fields.objects_for(record)
        data = {
            "template": template.pk,
            "template_name": template.name,
            "to": address,
            "subject": rendered_subject,
            "body": rendered_body,
        }
        if via_rule:
            data["rule"] = via_rule
        event = record_event(
            subject=record,
            name="email.sent",
            actor=actor,
            summary=f"Email sent to {address}: {rendered_subject}",
            data=data,
            also=[obj for obj in objects.values() if obj is not None and obj is not record],
        )
    return {"to": address, "subject": rendered_subject, "body": rendered_body, "event": event.pk}


def email_template_mark_copied(*, actor, template_id):
    """A rep copied a filled-in template to their own mail program: it counts as a use."""
    template = get_template_for_user(actor, template_id)
    EmailTemplate.objects.filter(pk=template.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=timezone.now()
    )


def send_email_action(*, actor, event, subject, params, dry_run):
    """Workflow action automation.send_email: a template to the record's contact or owner.

    The rule's actor must see both the template and the record; a record of another
    team (or a template they cannot see) is refused, never sent.
    """
    if subject is None:
        raise ValidationError("The record is gone.")
    kind = record_type_of(subject)
    if kind is None or not kind.visible(actor).filter(pk=subject.pk).exists():
        raise ValidationError("The rule's owner cannot see this record.")
    try:
        template = EmailTemplate.objects.visible_to(actor).get(pk=params.get("template"))
    except (EmailTemplate.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"template": ["No such template."]}) from None
    if params.get("to") == "owner":
        owner = getattr(subject, "owner", None)
        if owner is None or not owner.email:
            raise ValidationError({"to": ["The record's owner has no email address."]})
        if not (
            actor.is_crm_admin or owner.pk == actor.pk or owner.team_id in actor.managed_team_ids
        ):
            raise ValidationError({"to": ["The record's owner is not in the rule owner's team."]})
        to = owner.email
    else:
        to = fields.recipient_for(subject)
        if not to:
            raise ValidationError({"to": ["The record has no contact email address."]})
    if dry_run:
        return f"Would send “{template.name}” to {to}."
    _send(
        actor=actor,
        template=template,
        record=subject,
        to=to,
        subject=template.subject,
        body=template.body,
        via_rule=getattr(event, "pk", None),
    )
    return f"Sent “{template.name}” to {to}."
