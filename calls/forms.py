"""Forms of the call pages. They shape what was posted into the services' typed inputs
(calls.inputs); the rules (who the call is with, an outcome for a held call) are the
services', whose errors the forms show.

Rows a little JavaScript adds, removes and reorders (a plan's questions and
objections, new objections met, problems) are posted as parallel lists (`question`,
`objection_text`...), so the page still works without it. Rows fixed by the call (its
planned questions and objections, when logging it) are formsets.
"""

from django import forms

from accounts.models import Account, Contact
from deals.models import Deal
from leads.models import Lead
from salesproc.pickers import use_picker

from .inputs import (
    CallTypeInput,
    ObjectionInput,
    ObjectionResult,
    PlannedObjection,
    PlannedQuestion,
    Problem,
    QuestionResult,
    Ratings,
    UnaskedReason,
)
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

    PICKERS = {"contact": "contact", "deal": "deal.open", "lead": "lead.open", "account": "account"}

    def __init__(self, *args, user, fixed=(), account_scope=None, first_account=None, **kwargs):
        """account_scope: planned from a deal or an account page, only who at that account;
        first_account: the account whose contacts and deals the pickers list first (the
        contact's account, when planned from a contact)."""
        super().__init__(*args, **kwargs)
        self.fixed = set(fixed)
        # Type-ahead pickers over what the user may see (a posted id outside is refused).
        for name, key in self.PICKERS.items():
            scoped = account_scope if name in ("contact", "deal") else None
            use_picker(
                self.fields[name],
                key,
                user=user,
                account=scoped,
                first_account=first_account if name in ("contact", "deal") else None,
            )
        self.fields["contact"].label_from_instance = lambda c: (
            f"{c.full_name}, {c.account.name}" if c.account_id else c.full_name
        )
        self.fields["call_type"].queryset = CallType.objects.filter(is_active=True)
        if not user.runs("leads") and "lead" not in self.fixed:
            del self.fields["lead"]
        if account_scope is not None:
            # Planned from a deal or an account page: pick who at that account, nothing else.
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
        # "a held call says how it went" is the service's rule; this is only the input
        # the reschedule step cannot do without
        data = super().clean()
        if data.get("result") == Call.Result.RESCHEDULED and not data.get("new_scheduled_at"):
            self.add_error("new_scheduled_at", "Say when the call now takes place.")
        return data


HANDLED_CHOICES = [("", "—"), ("yes", "Yes"), ("no", "No")]
HANDLED = {"yes": True, "no": False}


class QuestionResultForm(forms.Form):
    """One planned question when logging the call: asked or not, and the answer."""

    id = forms.IntegerField(widget=forms.HiddenInput)
    asked = forms.BooleanField(required=False)
    answer = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 1, "placeholder": "Answer"})
    )

    def result(self):
        data = self.cleaned_data
        return QuestionResult(id=data["id"], asked=data["asked"], answer=data["answer"])


class ObjectionResultForm(forms.Form):
    """One planned objection when logging the call: met or not, the answer, how it went."""

    id = forms.IntegerField(widget=forms.HiddenInput)
    met = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"data-met": ""}))
    response = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "How you answered"}),
    )
    handled = forms.ChoiceField(choices=HANDLED_CHOICES, required=False)

    def result(self):
        data = self.cleaned_data
        return ObjectionResult(
            id=data["id"],
            encountered=data["met"],
            response_given=data["response"],
            handled_well=HANDLED.get(data["handled"]),
        )


QuestionResultFormSet = forms.formset_factory(QuestionResultForm, extra=0)
ObjectionResultFormSet = forms.formset_factory(ObjectionResultForm, extra=0)


def log_formsets(call, data=None):
    """The formsets of the call's planned questions and objections.

    A post without them (a client that sends only the outcome) logs every planned
    row as not asked and not met, as the API does.
    """
    questions = list(call.questions.all())
    objections = list(call.objections.all())
    bound = data if data is not None and "questions-TOTAL_FORMS" in data else None
    question_forms = QuestionResultFormSet(
        bound, prefix="questions", initial=[{"id": q.pk} for q in questions]
    )
    bound = data if data is not None and "objections-TOTAL_FORMS" in data else None
    objection_forms = ObjectionResultFormSet(
        bound, prefix="objections", initial=[{"id": o.pk} for o in objections]
    )
    return (
        question_forms,
        objection_forms,
        list(zip(questions, question_forms, strict=False)),
        list(zip(objections, objection_forms, strict=False)),
    )


def formset_results(formset):
    """Typed results of a valid formset; an unbound one (not posted) gives none."""
    return [form.result() for form in formset] if formset.is_bound else []


def new_objection_results(rows):
    """Objections met that were not planned, from the parallel lists of the log form."""
    return [
        ObjectionResult(
            text=r["new_objection_text"],
            response_given=r["new_objection_response"],
            handled_well=HANDLED.get(r["new_objection_handled"]),
        )
        for r in rows
    ]


def planned_questions(rows):
    """The plan form's question rows as the planning service takes them."""
    return [
        PlannedQuestion(text=r["question"], id=_int_or_none(r.get("question_id"))) for r in rows
    ]


def planned_objections(rows):
    """The plan form's objection rows; a library id that does not exist is dropped."""
    library_ids = {_int_or_none(r.get("objection_library")) for r in rows} - {None}
    library = Objection.objects.in_bulk(library_ids)
    return [
        PlannedObjection(
            text=r["objection_text"],
            planned_response=r["objection_response"],
            library=library.get(_int_or_none(r.get("objection_library"))),
            id=_int_or_none(r.get("objection_id")),
        )
        for r in rows
    ]


def unasked_reasons(reasons: dict):
    return [UnaskedReason(question=pk, reason=reason) for pk, reason in reasons.items()]


def problems(rows):
    return [Problem(problem=r["problem"], proposed_solution=r["proposed_solution"]) for r in rows]


def ratings(cleaned_data):
    """The review form's four ratings."""
    return Ratings(
        preparation=cleaned_data["preparation"],
        questioning=cleaned_data["questioning"],
        objection_handling=cleaned_data["objection_handling"],
        next_step=cleaned_data["next_step"],
    )


def call_type_input(cleaned_data, questions):
    return CallTypeInput(**cleaned_data, questions=questions)


def objection_input(cleaned_data):
    return ObjectionInput(**cleaned_data)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
