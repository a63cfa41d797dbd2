from django import forms

from accounts.forms import assignable_users
from salesproc.pickers import use_picker


class ManagementForm(forms.Form):
    is_managed = forms.BooleanField(required=False, label="Managed as a key account")
    account_manager = forms.ModelChoiceField(
        queryset=None, required=False, label="Account manager", empty_label="Nobody yet"
    )

    def __init__(self, *args, user, account, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(
            self.fields["account_manager"],
            "user",
            user=user,
            queryset=assignable_users(user, account.account_manager),
        )
