from django import forms

from salesproc.models import User, users_visible_to

from .models import Account, Contact


class AccountForm(forms.ModelForm):
    website = forms.URLField(max_length=300, required=False, assume_scheme="https", label="Website")
    confirm_duplicate = forms.BooleanField(
        required=False, label="Yes, create it even though the domain is already in the CRM"
    )

    class Meta:
        model = Account
        fields = [
            "name",
            "website",
            "domain",
            "industry",
            "status",
            "employee_count",
            "annual_revenue",
            "country",
            "region",
            "city",
            "postcode",
            "latitude",
            "longitude",
            "owner",
            "account_manager",
        ]
        help_texts = {"domain": "Filled from the website when left blank."}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_visible_to(user)
        self.fields["owner"].initial = user.pk
        self.fields["account_manager"].queryset = User.objects.filter(is_active=True)
        self.fields["domain"].required = False


class ContactForm(forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        required=False, label="Yes, create it even though the email is already in the CRM"
    )

    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "job_title",
            "email",
            "phone",
            "is_decision_maker",
            "account",
            "owner",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_visible_to(user)
        self.fields["owner"].initial = user.pk
        self.fields["account"].queryset = Account.objects.visible_to(user).only("id", "name")
