"""Forms shape what a person typed into `territories.inputs`; the services decide."""

from django import forms

from accounts.models import Account
from salesproc.models import users_visible_to
from salesproc.pickers import use_picker

from .inputs import RULE_LIST_FIELDS, RuleInput, TerritoryInput
from .models import PotentialBand, Territory, TerritorySettings, TierPolicy

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
    plan_question_accounts = forms.CharField(
        max_length=300,
        label="Territory plan, question 1",
        help_text="Answered by the plan's top accounts by potential, each with the rep's note.",
        widget=forms.TextInput(attrs={"wide": True}),
    )
    plan_question_attention = forms.CharField(
        max_length=300,
        label="Territory plan, question 2",
        help_text="Answered by the tier targets (within the tier policies' limits).",
        widget=forms.TextInput(attrs={"wide": True}),
    )
    plan_question_service = forms.CharField(
        max_length=300,
        label="Territory plan, question 3",
        help_text="Answered in text, with a coverage target.",
        widget=forms.TextInput(attrs={"wide": True}),
    )


class PotentialBandForm(forms.Form):
    """One band of the potential model; "from"/"up to" are employees or revenue by basis."""

    industry = forms.CharField(max_length=100, required=False, help_text="Blank: any industry.")
    basis = forms.ChoiceField(label="Size by", choices=PotentialBand.Basis.choices)
    size_min = forms.DecimalField(label="From", required=False, max_digits=16, decimal_places=2)
    size_max = forms.DecimalField(
        label="Up to", required=False, max_digits=16, decimal_places=2, help_text="Blank: no limit."
    )
    yearly_value = forms.DecimalField(label="Yearly value", max_digits=14, decimal_places=2)

    @classmethod
    def initial_for(cls, band):
        low, high = band.bounds
        return {
            "industry": band.industry,
            "basis": band.basis,
            "size_min": low,
            "size_max": high,
            "yearly_value": band.yearly_value,
        }

    def to_input(self) -> dict:
        data = self.cleaned_data
        prefix = "revenue" if data["basis"] == PotentialBand.Basis.REVENUE else "employees"
        return {
            "industry": data["industry"],
            "basis": data["basis"],
            f"{prefix}_min": data["size_min"],
            f"{prefix}_max": data["size_max"],
            "yearly_value": data["yearly_value"],
        }

    def add_service_errors(self, exc):
        """The service names the bound fields by basis; they show on from/up to."""
        from django.core.exceptions import ValidationError

        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        names = {
            "employees_min": "size_min",
            "revenue_min": "size_min",
            "employees_max": "size_max",
            "revenue_max": "size_max",
        }
        for field, errors in exc.error_dict.items():
            target = names.get(field, field)
            self.add_error(target if target in self.fields else None, ValidationError(errors))


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
    plan_max_visits = forms.IntegerField(
        label="Plans may ask up to (visits)",
        min_value=0,
        max_value=180,
        required=False,
        help_text="How far a territory plan may raise the visits. Blank: three times the policy's.",
    )
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
