from django import forms
from django.utils import timezone

from salesproc.models import SalesRole, Team

from .models import AuditCategory, TimeAudit


class AuditOpenForm(forms.Form):
    name = forms.CharField(max_length=150)
    starts_on = forms.DateField(
        label="First day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label="Last day",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Empty: a week.",
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    roles = forms.ModelMultipleChoiceField(
        queryset=SalesRole.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every role.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.order_by("name")
        if not user.is_crm_admin:
            teams = teams.filter(pk__in=user.managed_team_ids)
        self.fields["teams"].queryset = teams
        self.fields["roles"].queryset = SalesRole.objects.order_by("name")


class TimeEntryForm(forms.Form):
    category = forms.ModelChoiceField(queryset=AuditCategory.objects.filter(is_active=True))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    minutes = forms.IntegerField(min_value=1, max_value=1440)
    note = forms.CharField(max_length=300, required=False)


class QuickEntryForm(TimeEntryForm):
    audit = forms.ModelChoiceField(queryset=TimeAudit.objects.none())

    def __init__(self, *args, audits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audit"].queryset = audits
        self.fields["day"].initial = timezone.localdate()
        self.order_fields(["audit", "category", "day", "minutes", "note"])


class TimerForm(forms.Form):
    category = forms.ModelChoiceField(queryset=AuditCategory.objects.filter(is_active=True))
    note = forms.CharField(max_length=300, required=False)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = AuditCategory
        fields = ["name", "selling", "automation", "order", "is_active"]
