from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .models import SalesRole, Team, User
from .processes import PROCESS_CHOICES


class RoleForm(forms.Form):
    name = forms.CharField(max_length=80, label="Role name")
    processes = forms.MultipleChoiceField(
        choices=PROCESS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Processes this role runs",
    )


class TeamForm(forms.Form):
    name = forms.CharField(max_length=80, label="Team name")
    manager = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, label="Manager"
    )


class UserAssignForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, label="Team")
    role = forms.ModelChoiceField(queryset=SalesRole.objects.all(), required=False, label="Role")


class LockoutAuthenticationMixin:
    """A login form that says plainly when a username or address is locked out."""

    def clean(self):
        from . import lockout
        from .client import client_address

        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request is not None else ""
        lock = lockout.lock_for(username=username, address=address)
        if lock is not None:
            raise forms.ValidationError(lockout.lock_message(lock), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            lock = lockout.lock_for(username=username, address=address)
            if lock is not None:  # this failure was the last one allowed
                raise forms.ValidationError(lockout.lock_message(lock), code="locked") from None
            raise


class CrmAuthenticationForm(LockoutAuthenticationMixin, AuthenticationForm):
    pass


class CrmAdminAuthenticationForm(LockoutAuthenticationMixin, AdminAuthenticationForm):
    pass


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=254, required=False)
    address = forms.CharField(max_length=64, required=False)
