from django import forms
from django.utils.text import slugify

from salesproc.pickers import use_picker

from .fields import LEAD_FIELDS
from .models import Criterion, Lead


class LeadForm(forms.ModelForm):
    class Meta:
        model = Lead
        fields = [*LEAD_FIELDS, "owner"]
        labels = {"employee_count": "Employees", "company_name": "Company"}
        help_texts = {
            "source": "Where the lead came from: web, referral, event, cold call…",
            "website": "Used to match the company when the lead is converted.",
        }

    def __init__(self, *args, user, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["owner"], "user", user=user)
        self.fields["owner"].initial = user.pk
        self.fields["source"].widget.attrs["list"] = "lead-sources"
        self.sources = sources


def _split_list(text):
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


class CriterionForm(forms.Form):
    label = forms.CharField(max_length=80, help_text="Short name shown in lists, e.g. Budget.")
    question = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"wide": True}),
        help_text="What the rep asks on the first call.",
    )
    guidance = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"wide": True}),
        help_text="Optional hint shown under the question.",
    )
    answer_type = forms.ChoiceField(choices=Criterion.AnswerType.choices, label="Answered with")
    weight = forms.IntegerField(min_value=0, max_value=100, initial=10)
    must_have = forms.BooleanField(
        required=False, label="Must-have: a “no” disqualifies whatever the score"
    )
    choices_text = forms.CharField(
        required=False,
        label="Choices",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a choice: one per line, “label = points”, points 0–100 "
        "(e.g. “Budget approved = 100”).",
    )
    number_min = forms.DecimalField(
        required=False, label="Number: met from", help_text="For a number: lowest that counts."
    )
    number_max = forms.DecimalField(
        required=False, label="Number: met up to", help_text="Leave empty for no upper limit."
    )
    rule_industries = forms.CharField(
        required=False,
        label="Profile rule: industries",
        help_text="Comma-separated. The lead's industry must be one of these.",
    )
    rule_countries = forms.CharField(
        required=False,
        label="Profile rule: countries",
        help_text="Comma-separated. The lead's country must be one of these.",
    )
    rule_employees_min = forms.IntegerField(
        required=False, min_value=0, label="Profile rule: at least … employees"
    )
    rule_employees_max = forms.IntegerField(
        required=False, min_value=0, label="Profile rule: at most … employees"
    )

    @classmethod
    def initial_for(cls, criterion: Criterion):
        return {
            "label": criterion.label,
            "question": criterion.question,
            "guidance": criterion.guidance,
            "answer_type": criterion.answer_type,
            "weight": criterion.weight,
            "must_have": criterion.must_have,
            "choices_text": "\n".join(
                f"{c['label']} = {c['points']}" for c in criterion.choices or []
            ),
            "number_min": criterion.number_min,
            "number_max": criterion.number_max,
            "rule_industries": ", ".join(criterion.rule_industries or []),
            "rule_countries": ", ".join(criterion.rule_countries or []),
            "rule_employees_min": criterion.rule_employees_min,
            "rule_employees_max": criterion.rule_employees_max,
        }

    def __init__(self, *args, criterion=None, **kwargs):
        self.criterion = criterion
        super().__init__(*args, **kwargs)

    def clean_choices_text(self):
        text = self.cleaned_data.get("choices_text", "")
        previous = {
            c["label"]: c["value"] for c in (self.criterion.choices if self.criterion else [])
        }
        options = []
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            label, sep, points = line.rpartition("=")
            if not sep:
                label, points = line, "0"
            label = label.strip()
            try:
                points = int(points.strip())
            except ValueError:
                raise forms.ValidationError(f"Line {n}: write “label = points”, e.g. “Yes = 100”.")
            # Keep the stored value of an unchanged label so earlier answers still count.
            value = previous.get(label) or slugify(label)[:40] or f"option-{n}"
            options.append({"value": value, "label": label, "points": points})
        return options

    def service_data(self):
        data = dict(self.cleaned_data)
        data["choices"] = data.pop("choices_text")
        data["rule_industries"] = _split_list(data["rule_industries"])
        data["rule_countries"] = _split_list(data["rule_countries"])
        return data


class ThresholdsForm(forms.Form):
    qualify_at = forms.IntegerField(min_value=0, max_value=100, label="Qualify at a score of")
    disqualify_below = forms.IntegerField(
        min_value=0, max_value=100, label="Disqualify below a score of"
    )


class ReasonForm(forms.Form):
    name = forms.CharField(max_length=100, label="New reason")


class ConvertForm(forms.Form):
    deal_name = forms.CharField(
        max_length=200, required=False, help_text="Leave blank for the name shown."
    )
    amount = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, required=False, label="Expected amount"
    )
    expected_close_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
