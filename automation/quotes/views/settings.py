"""Settings -> Quotes (admins): the company on every quote, tax, approvals, terms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from automation.quotes import services
from automation.quotes.forms import CompanySettingsForm, TermsTemplateForm
from automation.quotes.models import TermsTemplate
from salesproc.view_support import admin_required
from salesproc.views import apply_errors


@login_required
@admin_required
def quote_settings(request):
    company = services.company_settings()
    form = CompanySettingsForm(instance=company)
    status = 200
    if request.method == "POST":
        form = CompanySettingsForm(request.POST, request.FILES, instance=company)
        if form.is_valid():
            data = dict(form.cleaned_data)
            logo = request.FILES.get("logo")
            remove = data.pop("remove_logo", False)
            data.pop("logo", None)
            try:
                services.company_settings_update(
                    actor=request.user, data=data, logo=logo, remove_logo=remove
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Quote settings saved.")
                return redirect("automation:quotes:settings")
        status = 400
    return render(
        request,
        "automation/quotes/settings.html",
        {
            "form": form,
            "company": services.company_settings(),
            "templates": TermsTemplate.objects.all(),
        },
        status=status,
    )


@login_required
@admin_required
def terms_edit(request, pk=None):
    template = get_object_or_404(TermsTemplate, pk=pk) if pk else None
    form = TermsTemplateForm(request.POST or None, instance=template)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if template is None:
                    services.terms_template_create(actor=request.user, data=form.cleaned_data)
                else:
                    services.terms_template_update(
                        actor=request.user, template=template, data=form.cleaned_data
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Terms template saved.")
                return redirect("automation:quotes:settings")
        status = 400
    return render(
        request,
        "automation/quotes/terms_form.html",
        {"form": form, "template": template},
        status=status,
    )
