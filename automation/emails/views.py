"""Pages of email templates: the list, the editor, and composing from a record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from salesproc.registry import get_record_for_user, record_type_of
from salesproc.view_support import process_required, safe_next_url
from salesproc.views import apply_errors

from . import fields, services
from .forms import ComposeForm, EmailTemplateForm
from .models import EmailTemplate

RECORD_TYPES = ("contact", "lead", "deal", "call", "account")


@login_required
@process_required("automation")
def template_list(request):
    category = request.GET.get("category", "")
    templates = EmailTemplate.objects.visible_to(request.user).select_related("owner")
    if category in EmailTemplate.Category.values:
        templates = templates.filter(category=category)
    return render(
        request,
        "automation/emails/template_list.html",
        {
            "templates": templates,
            "categories": EmailTemplate.Category.choices,
            "category": category,
            "can_share": services.may_share(request.user),
        },
    )


def _editor(request, template=None):
    form = EmailTemplateForm(request.POST or None, instance=template, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if template is None:
                template = services.email_template_create(actor=request.user, data=data)
            else:
                template = services.email_template_update(
                    actor=request.user, template=template, data=data
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Template “{template.name}” saved.")
            return redirect("automation:emails:template_list")
    return render(
        request,
        "automation/emails/template_edit.html",
        {
            "form": form,
            "template": template,
            "field_groups": fields.field_groups(),
            "field_keys": " ".join(sorted(fields.FIELD_KEYS)),
        },
    )


@login_required
@process_required("automation")
def template_new(request):
    return _editor(request)


@login_required
@process_required("automation")
def template_edit(request, pk):
    template = services.get_template_for_user(request.user, pk)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.email_template_delete(actor=request.user, template=template)
        messages.success(request, "Template deleted.")
        return redirect("automation:emails:template_list")
    if not services.may_edit(request.user, template):
        return render(
            request,
            "automation/emails/template_view.html",
            {"template": template},
        )
    return _editor(request, template)


def _record_from(request):
    source = request.POST if request.method == "POST" else request.GET
    record_type = source.get("record_type", "")
    if record_type not in RECORD_TYPES:
        record_type = ""
    return record_type, get_record_for_user(record_type, source.get("record_id"), request.user)


@login_required
@process_required("automation")
def compose(request):
    """Choose a template on a record, preview it filled in, edit, then copy or send."""
    record_type, record = _record_from(request)
    source = request.POST if request.method == "POST" else request.GET
    templates = EmailTemplate.objects.visible_to(request.user).only("id", "name", "category")
    template = None
    form = None
    template_id = source.get("template") or ""
    if template_id:
        template = services.get_template_for_user(request.user, template_id)
    back = safe_next_url(request, record_type_of(record).url(record))
    if request.method == "POST" and template is not None:
        form = ComposeForm(request.POST)
        if form.is_valid():
            try:
                sent = services.email_send(
                    actor=request.user,
                    template_id=template.pk,
                    record_type=record_type,
                    record_id=record.pk,
                    to=form.cleaned_data["to"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Email sent to {sent['to']}.")
                return redirect(back)
    elif template is not None:
        initial = {"to": fields.recipient_for(record)}
        try:
            initial["subject"], initial["body"] = services.render_template(
                template=template, record=record, sender=request.user
            )
            form = ComposeForm(initial=initial)
        except ValidationError as exc:
            form = ComposeForm(
                data={"to": initial["to"], "subject": template.subject, "body": template.body}
            )
            form.is_valid()
            apply_errors(form, exc)
    context = {
        "record": record,
        "record_type": record_type,
        "templates": templates,
        "template": template,
        "form": form,
        "next": back,
    }
    if request.htmx and request.method == "GET":
        return render(request, "automation/emails/_compose.html", context)
    return render(request, "automation/emails/compose.html", context)


@login_required
@process_required("automation")
@require_POST
def template_copied(request, pk):
    services.email_template_mark_copied(actor=request.user, template_id=pk)
    return HttpResponse(status=204)
