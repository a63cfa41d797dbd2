"""Forms of deal reporting: report filters, the forecast submission and the quota grid."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from deals.models import Deal
from deals.periods import month_label, parse_month, this_month


class MonthInput(forms.TextInput):
    input_type = "month"


class _PeopleChoiceField(forms.ChoiceField):
    """An owner among people already loaded by the view (no query of its own)."""

    def __init__(self, *, people, empty_label, **kwargs):
        self.people = {str(person.pk): person for person in people}
        choices = [("", empty_label)] + [(str(person.pk), person.display_name) for person in people]
        super().__init__(choices=choices, required=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.people.get(value) if value else None


def _clean_month(value):
    if not value:
        return this_month()
    try:
        return parse_month(value)
    except ValidationError as exc:
        raise forms.ValidationError(exc.message_dict["month"])


def _plain(amount: Decimal):
    """40000.00 -> 40000 for an input; keeps the cents when there are some."""
    return int(amount) if amount == amount.to_integral_value() else amount


def _empty_label(user):
    return "Everyone" if user.is_crm_admin else "Whole team"


class MonthPlanFilterForm(forms.Form):
    month = forms.CharField(required=False, widget=MonthInput(), label="Month")

    def __init__(self, *args, user, people, **kwargs):
        super().__init__(*args, **kwargs)
        if len(people) > 1:
            self.fields["owner"] = _PeopleChoiceField(
                people=people, empty_label=_empty_label(user), label="Rep"
            )

    def clean_month(self):
        return _clean_month(self.cleaned_data["month"])


class DashboardFilterForm(forms.Form):
    close_from = forms.DateField(
        required=False, label="Closing from", widget=forms.DateInput(attrs={"type": "date"})
    )
    close_to = forms.DateField(
        required=False, label="Closing to", widget=forms.DateInput(attrs={"type": "date"})
    )
    month = forms.CharField(required=False, widget=MonthInput(), label="Attainment month")
    months = forms.TypedChoiceField(
        choices=[(3, "3 months"), (6, "6 months"), (12, "12 months")],
        coerce=int,
        required=False,
        empty_value=6,
        label="Win rate over",
    )

    def __init__(self, *args, user, people, pipelines, **kwargs):
        super().__init__(*args, **kwargs)
        if len(people) > 1:
            self.fields["owner"] = _PeopleChoiceField(
                people=people, empty_label=_empty_label(user), label="Rep"
            )
        if len(pipelines) > 1:
            self.fields["pipeline"] = forms.TypedChoiceField(
                choices=[("", "All pipelines")] + [(p.pk, p.name) for p in pipelines],
                coerce=int,
                required=False,
                empty_value=None,
                label="Pipeline",
            )
        self.order_fields(["owner", "pipeline", "close_from", "close_to", "months", "month"])

    def clean_month(self):
        return _clean_month(self.cleaned_data["month"])


class OwnerFilterForm(forms.Form):
    def __init__(self, *args, user, people, **kwargs):
        super().__init__(*args, **kwargs)
        if len(people) > 1:
            self.fields["owner"] = _PeopleChoiceField(
                people=people, empty_label=_empty_label(user), label="Rep"
            )


class ForecastMonthForm(forms.Form):
    month = forms.CharField(required=False, widget=MonthInput(), label="Month")

    def clean_month(self):
        return _clean_month(self.cleaned_data["month"])


class ForecastSubmitForm(forms.Form):
    """The call's shape; forecast_submit decides its rules (best case >= commit) and the
    page shows its error on the field."""

    commit_amount = forms.DecimalField(
        min_value=0,
        max_digits=14,
        decimal_places=2,
        label="Commit",
        help_text="What you are sure to close this month, won deals included.",
    )
    best_case_amount = forms.DecimalField(
        min_value=0,
        max_digits=14,
        decimal_places=2,
        label="Best case",
        help_text="What you could close if the deals that may go your way do.",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for your manager",
        help_text="What the call rests on, and what could move it.",
    )


class ForecastCategoryForm(forms.Form):
    category = forms.ChoiceField(choices=Deal.ForecastCategory.choices)
    version = forms.IntegerField(min_value=1)


class QuotaGridForm(forms.Form):
    """One amount per rep per month: `q-<user id>-<YYYY-MM>`. Blank removes the quota."""

    start = forms.CharField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, people, periods: list[date], quotas: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.people, self.periods = people, periods
        self.rows = []
        for person in people:
            cells = []
            for period in periods:
                name = self.cell_name(person.pk, period)
                quota = quotas.get((person.pk, period))
                self.fields[name] = forms.DecimalField(
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                    label=f"{person.display_name}, {month_label(period)}",
                    initial=_plain(quota.amount) if quota else None,
                    widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                )
                cells.append(name)
            self.rows.append((person, cells))

    def grid(self):
        """(person, [bound field per month]) rows for the template."""
        return [(person, [self[name] for name in cells]) for person, cells in self.rows]

    @staticmethod
    def cell_name(user_id, period):
        return f"q-{user_id}-{period:%Y-%m}"

    def entries(self) -> list[tuple]:
        """(person, period, amount or None) for every cell."""
        result = []
        for person in self.people:
            for period in self.periods:
                amount = self.cleaned_data.get(self.cell_name(person.pk, period))
                result.append((person, period, Decimal(amount) if amount is not None else None))
        return result

    def add_cell_errors(self, exc: ValidationError):
        """A quotas_set error dict ("<user id>:<YYYY-MM>": messages) onto the grid's cells."""
        for key, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            if ":" in key:
                user_id, month = key.split(":")
                name = self.cell_name(int(user_id), parse_month(month))
                if name in self.fields:
                    self.add_error(name, messages)
                    continue
            self.add_error(None, messages)
