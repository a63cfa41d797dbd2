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


RECORD_CHOICES = [
    ("keep", "Keep them with this person"),
    ("reassign", "Reassign them to someone else"),
]


def active_people():
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class HandoverFieldsMixin(forms.Form):
    """What happens to a person's open records (asked only when they have some)."""

    records = forms.ChoiceField(
        choices=RECORD_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        label="Their open records",
    )
    reassign_to = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Reassign to",
        help_text="Open accounts, contacts, leads, deals and planned calls go to this person.",
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = active_people()
        if person is not None:
            from .handover import open_record_counts

            people = people.exclude(pk=person.pk)
            if not any(c["count"] for c in open_record_counts(person)):
                del self.fields["records"]  # nothing to hand over: don't ask
                del self.fields["reassign_to"]
                return
        self.fields["reassign_to"].queryset = people


class UserEditForm(HandoverFieldsMixin):
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, label="Team")
    role = forms.ModelChoiceField(queryset=SalesRole.objects.all(), required=False, label="Role")
    field_order = ["team", "role", "records", "reassign_to"]


class UserDeactivateForm(HandoverFieldsMixin):
    pass


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    role = forms.ModelChoiceField(queryset=SalesRole.objects.all(), required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        label="First password",
        help_text="Tell them; they can change it, or reset it by email from the login page.",
    )


class TeamEditForm(forms.Form):
    name = forms.CharField(max_length=80, label="Team name")
    manager = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Manager")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = active_people()
