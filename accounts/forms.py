from django import forms

from salesproc.models import User, users_visible_to
from salesproc.pickers import use_picker

from .models import Account, Contact
from .services import ACCOUNT_FIELDS, CONTACT_FIELDS


def assignable_users(user, current=None):
    """Who `user` may make owner or account manager, plus whoever holds the role now (so
    an unchanged value saves; the service checks a change)."""
    queryset = users_visible_to(user)
    if current is not None:
        queryset = queryset | User.objects.filter(pk=current.pk)
    return queryset.distinct()


class AccountForm(forms.ModelForm):
    # a rep types the address; the map position is for whoever maps territories
    more_fields = ("latitude", "longitude")
    website = forms.URLField(max_length=300, required=False, assume_scheme="https", label="Website")
    confirm_duplicate = forms.BooleanField(
        required=False, label="Yes, create it even though the domain is already in the CRM"
    )

    class Meta:
        model = Account
        fields = ACCOUNT_FIELDS
        help_texts = {
            "domain": "Filled from the website when left blank.",
            "latitude": "Decimal degrees, for the territory map: 51.5072",
            "longitude": "Decimal degrees, negative west of Greenwich: -0.1276",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["owner"], "user", user=user)
        self.fields["owner"].initial = user.pk
        current_manager = self.instance.account_manager if self.instance.pk else None
        use_picker(
            self.fields["account_manager"],
            "user",
            user=user,
            queryset=assignable_users(user, current_manager),
        )
        self.fields["domain"].required = False


class ContactForm(forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        required=False, label="Yes, create it even though the email is already in the CRM"
    )

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["owner"], "user", user=user)
        self.fields["owner"].initial = user.pk
        use_picker(self.fields["account"], "account", user=user)
