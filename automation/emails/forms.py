from django import forms

from .models import EmailTemplate


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["name", "category", "shared", "subject", "body"]
        widgets = {
            "subject": forms.TextInput(attrs={"wide": True, "data-merge-target": ""}),
            "body": forms.Textarea(attrs={"rows": 12, "data-merge-target": ""}),
        }
        help_texts = {
            "shared": "Everyone can use a shared template; only admins and managers share."
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not (user.is_crm_admin or user.is_manager):
            del self.fields["shared"]


class ComposeForm(forms.Form):
    """The email composer on a record page; ids of its own (email-body...), as the page
    holds other forms with a "body" (the notes panel)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "email-%s")
        super().__init__(*args, **kwargs)

    to = forms.EmailField(label="To", required=False)
    subject = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"wide": True}))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}))
