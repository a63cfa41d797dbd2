"""Forms of the call pages. Questions, objections and problems are repeated rows posted
as parallel lists (`question`, `objection_text`...), so a little JavaScript can add,
remove and reorder them and the page still works without it."""

from django import forms

from accounts.models import Account, Contact
from deals.models import Deal
from leads.models import Lead

from .models import Call, CallType, Objection

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class CallPlanForm(forms.Form):
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    deal = forms.ModelChoiceField(queryset=Deal.objects.none(), required=False)
    lead = forms.ModelChoiceField(queryset=Lead.objects.none(), required=False)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False)
    scheduled_at = forms.DateTimeField(label="When", widget=DateTimeLocalInput())
    planned_duration_minutes = forms.IntegerField(
        label="Minutes", min_value=5, max_value=480, initial=30
    )
    call_type = forms.ModelChoiceField(
        queryset=CallType.objects.none(), required=False, empty_label="No type"
    )
    channel = forms.ChoiceField(
        choices=Call.Channel.choices, initial=Call.Channel.PHONE, widget=forms.RadioSelect
    )
    purpose = forms.CharField(
        max_length=300,
        help_text="What is the purpose of this sales call?",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    desired_outcome = forms.CharField(
        label="Next step to secure",
        max_length=300,
        required=False,
        help_text="The outcome you want: a demo booked, a budget confirmed, a signature…",
    )

    ABOUT = ("contact", "deal", "lead", "account")

    def visible_about(self):
        """The "who is the call with" choices still to make on this form."""
        return [
            self[name] for name in self.ABOUT if name in self.fields and not self[name].is_hidden
        ]

    def __init__(self, *args, user, fixed=(), account_scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed = set(fixed)
        self.fields["contact"].queryset = (
            Contact.objects.visible_to(user).select_related("account").order_by("last_name")
        )
        self.fields["deal"].queryset = (
            Deal.objects.visible_to(user).filter(status=Deal.Status.OPEN).order_by("name")
        )
        self.fields["lead"].queryset = (
            Lead.objects.visible_to(user)
            .exclude(status__in=[Lead.Status.CONVERTED, Lead.Status.DISQUALIFIED])
            .order_by("last_name")
        )
        self.fields["account"].queryset = Account.objects.visible_to(user).only("id", "name")
        self.fields["contact"].label_from_instance = lambda c: (
            f"{c.full_name}, {c.account.name}" if c.account_id else c.full_name
        )
        self.fields["call_type"].queryset = CallType.objects.filter(is_active=True)
        for name in self.ABOUT:
            self.fields[name].empty_label = "—"
        if not user.runs("leads") and "lead" not in self.fixed:
            del self.fields["lead"]
        if account_scope is not None:
            # Planned from a deal or an account page: pick who at that account, nothing else.
            self.fields["contact"].queryset = self.fields["contact"].queryset.filter(
                account_id=account_scope
            )
            self.fields["deal"].queryset = self.fields["deal"].queryset.filter(
                account_id=account_scope
            )
            for name in ("lead", "account"):
                if name not in self.fixed and name in self.fields:
                    del self.fields[name]
        for name in self.fixed:
            self.fields[name].widget = forms.HiddenInput()
            # a record fixed by the page it came from may be a closed deal or converted lead
            self.fields[name].queryset = self.fields[name].queryset.model.objects.visible_to(user)


class CallLogForm(forms.Form):
    result = forms.ChoiceField(
        label="How did it go?",
        choices=Call.Result.choices,
        initial=Call.Result.HELD,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label="Minutes", min_value=1, max_value=600, required=False
    )
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What happened, in a sentence or two.",
    )
    next_steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="One per line; the first becomes the follow-up's purpose.",
    )
    follow_up_at = forms.DateTimeField(
        label="Schedule the follow-up call",
        required=False,
        widget=DateTimeLocalInput(),
        help_text="Optional: plans the next call, prefilled with the questions you did not get to.",
    )
    new_scheduled_at = forms.DateTimeField(
        label="New date and time", required=False, widget=DateTimeLocalInput()
    )
    note = forms.CharField(label="Note", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        result = data.get("result")
        if result == Call.Result.HELD and not (data.get("outcome") or "").strip():
            self.add_error("outcome", "Say how the call went.")
        if result == Call.Result.RESCHEDULED and not data.get("new_scheduled_at"):
            self.add_error("new_scheduled_at", "Say when the call now takes place.")
        return data


class CallDebriefForm(forms.Form):
    went_well = forms.CharField(
        label="What went well?", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    request_review = forms.BooleanField(
        label="Ask my manager to review this call", required=False, initial=True
    )


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class CallReviewForm(forms.Form):
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How did it go, and how can the next call be better?",
    )
    coaching_points = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One point per line: what to practise before the next call.",
    )
    preparation = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    questioning = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    objection_handling = forms.TypedChoiceField(
        label="Objection handling", choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    next_step = forms.TypedChoiceField(
        label="Next step secured", choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )


class CallTypeForm(forms.ModelForm):
    class Meta:
        model = CallType
        fields = ["name", "description", "default_duration_minutes", "order", "is_active"]
        labels = {"default_duration_minutes": "Usual length (minutes)", "is_active": "In use"}
        widgets = {"description": forms.TextInput(attrs={"wide": True})}


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["text", "suggested_response", "category", "is_active"]
        labels = {"text": "What the buyer says", "is_active": "In use"}
        widgets = {
            "text": forms.TextInput(attrs={"wide": True}),
            "suggested_response": forms.Textarea(attrs={"rows": 3}),
        }


def posted_rows(data, *names):
    """Parallel lists from a POST, zipped into dicts: posted_rows(POST, "a", "b")."""
    columns = [data.getlist(name) for name in names]
    length = max((len(c) for c in columns), default=0)
    return [
        {
            name: (column[i] if i < len(column) else "")
            for name, column in zip(names, columns, strict=True)
        }
        for i in range(length)
    ]
