from django import forms

from accounts.forms import assignable_users


class ManagementForm(forms.Form):
    is_managed = forms.BooleanField(required=False, label="Managed as a key account")
    account_manager = forms.ModelChoiceField(
        queryset=None, required=False, label="Account manager", empty_label="Nobody yet"
    )

    def __init__(self, *args, user, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = assignable_users(user, account.account_manager)
