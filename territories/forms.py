"""Forms shape what a person typed into `territories.inputs`; the services decide."""

from django import forms

from accounts.models import Account
from salesproc.models import users_visible_to
from salesproc.pickers import use_picker

from .inputs import RULE_LIST_FIELDS, RuleInput, TerritoryInput
from .models import Territory, TerritorySettings, TierPolicy

LIST_HELP = "Separate several with commas; blank asks nothing."


class TerritoryForm(forms.Form):
    name = forms.CharField(max_length=120)
    parent = forms.ModelChoiceField(
        Territory.objects.none(), required=False, help_text="The region it belongs to."
    )
    rep = forms.ModelChoiceField(
        None, required=False, label="Field rep", help_text="Who covers it."
    )

    def __init__(self, *args, user, territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Territory.objects.visible_to(user).order_by("name")
        if territory is not None:
            parents = parents.exclude(pk=territory.pk)
        self.fields["parent"].queryset = parents
        use_picker(
            self.fields["rep"],
            "user",
            user=user,
            queryset=users_visible_to(user).order_by("first_name", "last_name"),
        )
        self.fields["rep"].label_from_instance = lambda u: u.display_name

    def to_input(self) -> TerritoryInput:
        data = self.cleaned_data
        return TerritoryInput(name=data["name"], parent=data["parent"], rep=data["rep"])


class RuleForm(forms.Form):
    territory = forms.ModelChoiceField(Territory.objects.none())
    priority = forms.IntegerField(
        min_value=1, max_value=2_000_000_000, help_text="1 is tried first; the first match wins."
    )
    countries = forms.CharField(required=False, help_text=LIST_HELP)
    regions = forms.CharField(required=False, help_text=LIST_HELP)
    cities = forms.CharField(required=False, help_text=LIST_HELP)
    postcode_prefixes = forms.CharField(
        required=False, help_text="Accounts whose postcode starts with one of these (“M1, M2”)."
    )
    industries = forms.CharField(required=False, help_text=LIST_HELP)
    statuses = forms.MultipleChoiceField(
        choices=Account.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Account status",
    )
    employees_min = forms.IntegerField(min_value=0, required=False, label="Employees from")
    employees_max = forms.IntegerField(min_value=0, required=False, label="Employees up to")
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    radius_km = forms.DecimalField(
        max_digits=8, decimal_places=2, required=False, label="Radius (km)"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.editable_by(user).order_by("name")

    @classmethod
    def initial_for(cls, rule):
        initial = {
            "territory": rule.territory_id,
            "priority": rule.priority,
            "statuses": rule.statuses,
            "employees_min": rule.employees_min,
            "employees_max": rule.employees_max,
            "latitude": rule.latitude,
            "longitude": rule.longitude,
            "radius_km": rule.radius_km,
        }
        for name in RULE_LIST_FIELDS:
            if name != "statuses":
                initial[name] = ", ".join(getattr(rule, name))
        return initial

    def to_input(self) -> RuleInput:
        data = self.cleaned_data
        values = {
            name: [part.strip() for part in (data[name] or "").split(",")]
            for name in RULE_LIST_FIELDS
            if name != "statuses"
        }
        return RuleInput(
            territory=data["territory"],
            priority=data["priority"],
            statuses=list(data["statuses"]),
            employees_min=data["employees_min"],
            employees_max=data["employees_max"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            radius_km=data["radius_km"],
            **values,
        )


class PinForm(forms.Form):
    account = forms.ModelChoiceField(Account.objects.none(), label="Pin an account here")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["account"], "account", user=user)


class SettingsForm(forms.Form):
    owner_follows_rep = forms.BooleanField(
        required=False,
        label="The account owner follows the territory's rep",
        help_text="When an account moves into a territory with a rep, that rep becomes its owner.",
    )


class OverrideForm(forms.Form):
    value = forms.DecimalField(
        label="Potential (yearly)", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    reason = forms.CharField(max_length=300, required=False, help_text="Shown on the account.")


class TierPolicyForm(forms.Form):
    min_potential = forms.DecimalField(
        label="From potential", max_digits=14, decimal_places=2, min_value=0
    )
    top_share_percent = forms.IntegerField(label="Top share (%)", min_value=0, max_value=100)
    visits_per_period = forms.IntegerField(label="Visits", min_value=0, max_value=60)
    period_weeks = forms.IntegerField(label="Every (weeks)", min_value=1, max_value=52)
    channel = forms.ChoiceField(choices=TierPolicy.Channel.choices)
    min_gap_days = forms.IntegerField(label="Minimum gap (days)", min_value=0, max_value=365)
    response_p = forms.DecimalField(
        label="Return of the first visit (p)",
        max_digits=4,
        decimal_places=3,
        help_text="Share of the potential one visit in a period is expected to bring.",
    )
    response_r = forms.DecimalField(
        label="Each further visit (r)",
        max_digits=4,
        decimal_places=3,
        help_text="The k-th visit is worth potential × p × r^(k−1).",
    )


class TierModeForm(forms.Form):
    tier_mode = forms.ChoiceField(
        label="Tiers are decided", choices=TerritorySettings.TierMode.choices
    )


class BaseForm(forms.Form):
    label = forms.CharField(max_length=120, required=False, label="Base (name)")
    latitude = forms.DecimalField(max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6)


class PlanWeeksForm(forms.Form):
    weeks = forms.IntegerField(min_value=1, max_value=26, initial=4)
    visits_per_day = forms.IntegerField(min_value=0, max_value=100, initial=4)
    working_days = forms.IntegerField(min_value=0, max_value=7, initial=4)


class AcceptWeeksForm(forms.Form):
    weeks = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, pattern, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weeks"].choices = [(n, f"Week {n}") for n in range(1, pattern.weeks + 1)]


class PlanPeriodForm(forms.Form):
    period_start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))


class PlanReviewForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
