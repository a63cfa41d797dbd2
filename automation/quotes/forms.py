"""Forms shape input for the quote services; the rules live in the services."""

from decimal import Decimal

from django import forms

from automation.emails.models import EmailTemplate

from .models import CompanySettings, Quote, TermsTemplate
from .services.quotes import HEADER_FIELDS


class CoverTemplateField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        whose = "shared" if obj.shared else "yours"
        return f"{obj.name} ({obj.get_category_display()}, {whose})"


class QuoteForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = list(HEADER_FIELDS)  # what the quote service lets a rep edit
        widgets = {
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "terms": forms.Textarea(attrs={"rows": 5}),
            "cover_letter": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"discount_percent": "Quote discount %", "tax_rate": "Tax rate %"}
        help_texts = {
            "terms_template": "Choosing a template replaces the terms below with its text.",
            "cover_letter": "Optional: a first page before the quote.",
        }

    cover_template = CoverTemplateField(
        queryset=EmailTemplate.objects.none(),
        required=False,
        label="Start from an email template",
        empty_label="— keep the cover letter below —",
        help_text="Saving replaces the cover letter below with the template, filled in for this deal; "
        "edit it afterwards if you like.",
    )

    field_order = [*Meta.fields[:-1], "cover_template", "cover_letter"]

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terms_template"].queryset = TermsTemplate.objects.filter(is_active=True)
        self.fields["terms_template"].required = False
        if templates is not None:  # services.cover_templates_for(user): shared + own
            self.fields["cover_template"].queryset = templates
        else:
            del self.fields["cover_template"]

    def _post_clean(self):
        """The services validate and save; the form only shapes input."""


NUMBER = {"class": "num-input"}


class QuoteLineForm(forms.Form):
    description = forms.CharField(
        max_length=300, widget=forms.TextInput(attrs={"class": "line-description"})
    )
    quantity = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.01"}),
    )
    unit_price = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.01"}),
    )
    discount_percent = forms.DecimalField(
        widget=forms.NumberInput(attrs={"class": "num-input short", "step": "0.01"}),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
    )
    product_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm, extra=1, can_delete=True, max_num=200, validate_max=True
)


class SendForm(forms.Form):
    to = forms.EmailField(label="Send to", help_text="The customer's email address.")
    message = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The email's text (empty: the cover letter, or a short note).",
    )


class NoteForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CompanySettingsForm(forms.ModelForm):
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")

    class Meta:
        model = CompanySettings
        fields = [
            "name",
            "address",
            "email",
            "phone",
            "logo",
            "tax_rate",
            "approval_threshold",
            "validity_days",
            "default_currency",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "logo": forms.FileInput}
        labels = {
            "name": "Company name",
            "tax_rate": "Tax rate %",
            "approval_threshold": "Discount needing approval, above %",
            "validity_days": "Quotes valid for (days)",
        }

    def _post_clean(self):
        """Saved by services.company_settings_update."""


class TermsTemplateForm(forms.ModelForm):
    class Meta:
        model = TermsTemplate
        fields = ["name", "body", "is_default", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        labels = {"is_default": "Default on new quotes", "is_active": "Active"}

    def _post_clean(self):
        """Saved by services.terms_template_create / _update."""


class AcceptForm(forms.Form):
    name = forms.CharField(max_length=200, label="Your full name")
    agree = forms.BooleanField(label="I accept this quote and its terms on behalf of my company.")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why are you declining?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
