"""Forms of the deal pages. They validate input shape; the services decide the rules."""

from django import forms

from accounts.models import Account, Contact
from salesproc.currencies import CURRENCY_CHOICES, default_currency
from salesproc.pickers import use_picker

from .models import Deal, LostReason, Pipeline, Product, Stage

OPEN_CATEGORY_CHOICES = [
    (value, label)
    for value, label in Deal.ForecastCategory.choices
    if value != Deal.ForecastCategory.CLOSED
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DealForm(forms.Form):
    """New deal and edit deal. Edit carries the version the user started from."""

    name = forms.CharField(max_length=200)
    account = forms.ModelChoiceField(queryset=Account.objects.none())
    primary_contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Other contacts",
        help_text="Everyone involved at the account: type a name, pick as many as you need.",
    )
    deal_type = forms.ChoiceField(choices=Deal.Type.choices, label="Type")
    pipeline = forms.ModelChoiceField(queryset=Pipeline.objects.none(), empty_label=None)
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, initial=0
    )
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial=default_currency)
    expected_close_date = forms.DateField(required=False, widget=DateInput())
    forecast_category = forms.ChoiceField(choices=OPEN_CATEGORY_CHOICES)
    owner = forms.ModelChoiceField(queryset=None, empty_label=None)
    product = forms.ModelChoiceField(
        queryset=Product.objects.none(),
        required=False,
        label="Product",
        help_text="Adds it as the first line item; the amount then follows the line items.",
    )
    quantity = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0.01, initial=1)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, deal=None, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deal = deal
        # Type-ahead pickers over what the user may see; contacts at the deal's account.
        use_picker(self.fields["account"], "account", user=user)
        account_id = deal.account_id if deal else (account.pk if account else None)
        if self.data.get(self.add_prefix("account")):
            try:
                account_id = int(self.data.get(self.add_prefix("account")))
            except (TypeError, ValueError):
                pass
        for name in ("primary_contact", "contacts"):
            use_picker(self.fields[name], "contact", user=user, account=account_id or None)
        use_picker(self.fields["owner"], "user", user=user)
        self.fields["owner"].initial = user.pk
        self.fields["pipeline"].queryset = Pipeline.objects.filter(is_active=True)
        self.fields["product"].queryset = Product.objects.filter(is_active=True)
        self.fields["product"].label_from_instance = lambda p: (
            f"{p.name} ({p.code}) · {p.unit_price:,.2f}"
        )
        self.fields["quantity"].required = False
        if deal is None:
            del self.fields["forecast_category"]
            del self.fields["version"]
            default = Pipeline.objects.filter(is_active=True, is_default=True).first()
            if default:
                self.fields["pipeline"].initial = default.pk
        else:
            for name in ("pipeline", "product", "quantity"):
                del self.fields[name]
            self.fields["version"].required = True
            if deal.line_items.exists():
                self.fields["amount"].disabled = True
                self.fields["amount"].help_text = "The total of the line items."
            if not deal.is_open:
                del self.fields["forecast_category"]


class ExitCriteriaMixin:
    """Checkboxes for the current stage's exit criteria."""

    def add_criteria(self, stage, *, name="exit_criteria_confirmed"):
        criteria = list(stage.exit_criteria or [])
        if criteria:
            self.fields[name] = forms.MultipleChoiceField(
                choices=[(item, item) for item in criteria],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=f"Exit criteria of {stage.name}: confirm each",
            )


class MoveForm(ExitCriteriaMixin, forms.Form):
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), empty_label=None)
    reason = forms.ModelChoiceField(
        queryset=LostReason.objects.filter(is_active=True),
        required=False,
        label="Lost reason",
        help_text="Only when moving to the lost stage.",
    )
    detail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Why, in your words"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, deal, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = deal.pipeline.stages.exclude(pk=deal.stage_id)
        self.fields["stage"].label = "Move to"
        self.add_criteria(deal.stage)
        self.fields["version"].initial = deal.version
        if target is not None and target.kind != Stage.Kind.LOST:
            del self.fields["reason"]
            del self.fields["detail"]


class WinForm(ExitCriteriaMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_criteria(deal.stage)
        self.fields["version"].initial = deal.version


class LoseForm(forms.Form):
    reason = forms.ModelChoiceField(
        queryset=LostReason.objects.filter(is_active=True),
        required=False,
        label="Reason",
        empty_label="Pick the main reason…",
    )
    detail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why, in your words",
        help_text="What would have changed the outcome? Required when no reason fits.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = deal.version


class ReopenForm(forms.Form):
    """The stage offered first is the service's default (stage_to_reopen_in); left out,
    the service picks it."""

    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), empty_label=None, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, deal, initial_stage=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = deal.pipeline.stages.filter(kind=Stage.Kind.OPEN)
        self.fields["stage"].label = "Reopen in"
        if initial_stage is not None:
            self.fields["stage"].initial = initial_stage.pk
        self.fields["version"].initial = deal.version


class LineItemForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), empty_label="Product…")
    quantity = forms.DecimalField(max_digits=10, decimal_places=2, initial=1)
    unit_price = forms.DecimalField(
        max_digits=12, decimal_places=2, required=False, help_text="Blank: the list price."
    )
    discount_percent = forms.DecimalField(
        max_digits=5, decimal_places=2, required=False, initial=0, label="Discount %"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True)
        self.fields["product"].label_from_instance = lambda p: (
            f"{p.name} ({p.code}) · {p.unit_price:,.2f}"
        )


class LineItemEditForm(forms.Form):
    quantity = forms.DecimalField(max_digits=10, decimal_places=2)
    unit_price = forms.DecimalField(max_digits=12, decimal_places=2)
    discount_percent = forms.DecimalField(max_digits=5, decimal_places=2, label="Discount %")


class PipelineForm(forms.Form):
    name = forms.CharField(max_length=100)
    order = forms.IntegerField(min_value=0, initial=0, required=False, label="Position in lists")
    is_default = forms.BooleanField(required=False, label="Default pipeline for new deals")
    is_active = forms.BooleanField(required=False, initial=True, label="In use")


class StageForm(forms.Form):
    name = forms.CharField(max_length=100)
    probability = forms.IntegerField(min_value=0, max_value=100, label="Win probability %")
    stalled_after_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        label="Stalled after (days)",
        help_text="A deal with no stage move for longer counts as stalled. Blank: never.",
    )
    default_forecast_category = forms.ChoiceField(
        choices=[("", "Leave unchanged")] + OPEN_CATEGORY_CHOICES,
        required=False,
        label="Forecast category on entry",
    )
    exit_criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Exit criteria",
        help_text="One check per line; a deal moving past this stage must confirm each.",
    )
    order = forms.IntegerField(
        min_value=0,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, kind=Stage.Kind.OPEN, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Stage.Kind.OPEN:
            for name in (
                "probability",
                "stalled_after_days",
                "default_forecast_category",
                "exit_criteria",
            ):
                del self.fields[name]


class ProductForm(forms.Form):
    name = forms.CharField(max_length=150)
    code = forms.CharField(max_length=40, help_text="Unique; stored in capitals.")
    unit_price = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    is_active = forms.BooleanField(required=False, initial=True, label="On sale")


class LostReasonForm(forms.Form):
    name = forms.CharField(max_length=100)
    is_active = forms.BooleanField(required=False, initial=True, label="In the list")
