"""Forms of scheduled reports: they shape input; the services decide what is allowed."""

from django import forms

from salesproc.models import Team, users_visible_to
from salesproc.registry import param_choices

from .models import ReportSubscription

SCHEDULE_FIELDS = ("scope", "frequency", "send_time", "weekday", "day_of_month", "starts_on")


def _param_field(param, *, user):
    """A form field for a report's param: a select for choices, people and teams."""
    choices = None
    if param.kind == "choice":
        choices = param_choices(param)
    elif param.kind == "user":
        choices = [(u.pk, u.display_name) for u in users_visible_to(user)]
    elif param.kind == "team":
        teams = (
            Team.objects.all()
            if user.is_crm_admin
            else Team.objects.filter(pk__in=user.managed_team_ids)
        )
        choices = [(t.pk, t.name) for t in teams]
    if choices is not None:
        widget = forms.Select(choices=[("", "Any" if not param.default else "—"), *choices])
    elif param.kind == "date":
        widget = forms.DateInput(attrs={"type": "date"})
    elif param.kind == "month":
        widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    else:
        widget = forms.TextInput()
    return forms.CharField(
        label=param.label,
        required=False,
        widget=widget,
        help_text=param.help,
        initial=param.default,
    )


class SubscriptionForm(forms.Form):
    scope = forms.ChoiceField(label="For", choices=ReportSubscription.Scope.choices)
    frequency = forms.ChoiceField(choices=ReportSubscription.Frequency.choices)
    send_time = forms.TimeField(
        label="At (your time)", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    weekday = forms.TypedChoiceField(
        label="On (weekly)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *ReportSubscription.WEEKDAYS],
    )
    day_of_month = forms.TypedChoiceField(
        label="On day (monthly)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(n, str(n)) for n in range(1, 29)]],
    )
    starts_on = forms.DateField(
        label="First send on or after",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args, report, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.param_names = []
        sees_others = user.is_manager or user.is_crm_admin
        for param in report.params:
            if param.name == report.owner_param and not sees_others:
                continue  # a rep's report is theirs anyway
            self.fields[param.name] = _param_field(param, user=user)
            self.param_names.append(param.name)
        if not sees_others:
            self.fields["scope"].widget = forms.HiddenInput()
        if not editing:
            del self.fields["is_active"]

    def params(self):
        return {
            name: self.cleaned_data.get(name)
            for name in self.param_names
            if self.cleaned_data.get(name) not in (None, "")
        }

    def schedule(self):
        return {name: self.cleaned_data.get(name) for name in SCHEDULE_FIELDS}


class TimeZoneForm(forms.Form):
    time_zone = forms.CharField(
        label="Your time zone",
        required=False,
        max_length=64,
        help_text="An IANA name such as Europe/Berlin; empty: the CRM's.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
