from django import forms


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="https:// only; it may not lead to a private or local address.",
        widget=forms.URLInput(attrs={"wide": True, "placeholder": "https://example.com/hooks/crm"}),
    )
    events = forms.CharField(
        label="Events",
        max_length=1000,
        help_text="Names or patterns, separated by commas or spaces: deal.won, lead.*, or * for all.",
        widget=forms.TextInput(attrs={"wide": True}),
    )
    description = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs={"wide": True})
    )
    active = forms.BooleanField(required=False, initial=True, label="Active")
