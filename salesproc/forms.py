from django import forms

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
