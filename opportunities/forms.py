"""HTML forms: they shape input; the services hold the rules."""

from django import forms

from accounts.models import Contact

from .models import (
    Competitor,
    DealCompetitor,
    OpportunityPlan,
    PlanPrompt,
    PlanSettings,
    Stakeholder,
    WinLossReason,
    WinLossReview,
    WinStrategy,
)

DATE = forms.DateInput(attrs={"type": "date"})
AREA = forms.Textarea(attrs={"rows": 2})


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = OpportunityPlan
        fields = [
            "problem",
            "impact",
            "impact_amount",
            "desired_outcome",
            "decision_process",
            "decision_date",
            "strategy",
            "strategy_notes",
        ]
        labels = {
            "problem": "The problem, in the customer's words",
            "impact_amount": "Impact per year",
            "desired_outcome": "The outcome they want",
            "decision_process": "How they will decide",
            "decision_date": "Decision date",
            "strategy": "Primary win strategy",
            "strategy_notes": "How we will win",
        }
        widgets = {
            "problem": AREA,
            "impact": AREA,
            "desired_outcome": AREA,
            "decision_process": AREA,
            "strategy_notes": AREA,
            "decision_date": DATE,
        }

    def __init__(self, *args, prompt_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = WinStrategy.objects.filter(is_active=True)
        self.extra_ids = []
        answers = (self.instance.answers or {}) if self.instance else {}
        for prompt in prompt_version.extra_prompts if prompt_version else []:
            name = f"answer_{prompt['id']}"
            self.fields[name] = forms.CharField(
                label=prompt["text"],
                required=False,
                widget=AREA,
                initial=answers.get(str(prompt["id"]), ""),
            )
            self.extra_ids.append(prompt["id"])

    def answers(self):
        return {str(i): self.cleaned_data.get(f"answer_{i}", "") for i in self.extra_ids}


class StakeholderForm(forms.Form):
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, label="Contact of the account"
    )
    new_first_name = forms.CharField(required=False, label="Or a new person: first name")
    new_last_name = forms.CharField(required=False, label="Last name")
    new_job_title = forms.CharField(required=False, label="Job title")
    new_email = forms.EmailField(required=False, label="Email")
    buying_role = forms.ChoiceField(choices=Stakeholder.BuyingRole.choices)
    stance = forms.ChoiceField(choices=Stakeholder.Stance.choices, initial="unknown")
    influence = forms.ChoiceField(choices=Stakeholder.Influence.choices, initial="medium")
    cares_about = forms.CharField(required=False, widget=AREA, label="What they care about")

    def __init__(self, *args, deal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if deal is not None:
            taken = deal.stakeholders.values("contact_id")
            self.fields["contact"].queryset = Contact.objects.filter(
                account_id=deal.account_id
            ).exclude(pk__in=taken)


class StakeholderEditForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["buying_role", "stance", "influence", "cares_about"]
        widgets = {"cares_about": AREA}


class DealCompetitorForm(forms.ModelForm):
    class Meta:
        model = DealCompetitor
        fields = ["competitor", "status", "strengths", "weaknesses", "positioning"]
        labels = {
            "strengths": "Their strengths here",
            "weaknesses": "Their weaknesses here",
            "positioning": "Our positioning",
        }
        widgets = {"strengths": AREA, "weaknesses": AREA, "positioning": AREA}

    def __init__(self, *args, deal=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Competitor.objects.filter(is_active=True)
        if deal is not None and not self.instance.pk:
            qs = qs.exclude(pk__in=deal.deal_competitors.values("competitor_id"))
        self.fields["competitor"].queryset = qs
        if self.instance.pk:
            self.fields["competitor"].disabled = True


class ActionItemForm(forms.Form):
    text = forms.CharField(max_length=300, label="Next step")
    owner = forms.ModelChoiceField(queryset=None, required=False)
    due_date = forms.DateField(required=False, widget=DATE)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ReviewForm(forms.ModelForm):
    class Meta:
        model = WinLossReview
        fields = ["reason", "competitor", "strategy", "what_worked", "what_did_not"]
        labels = {
            "reason": "Primary reason",
            "competitor": "Competitor we beat or lost to",
            "strategy": "Decisive strategy",
            "what_did_not": "What did not work",
        }
        widgets = {
            "what_worked": forms.Textarea(attrs={"rows": 3}),
            "what_did_not": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = WinLossReason.objects.filter(
            outcome=self.instance.outcome, is_active=True
        )
        self.fields["reason"].required = False
        self.fields["competitor"].queryset = Competitor.objects.filter(is_active=True)
        self.fields["strategy"].queryset = WinStrategy.objects.filter(is_active=True)


class ManagerNoteForm(forms.Form):
    manager_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Manager's note")


class PromptForm(forms.ModelForm):
    class Meta:
        model = PlanPrompt
        fields = ["section", "text", "order", "is_active"]
        widgets = {"text": forms.TextInput(attrs={"wide": True})}


class CompetitorForm(forms.ModelForm):
    website = forms.URLField(max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Competitor
        fields = [
            "name",
            "kind",
            "website",
            "strengths",
            "weaknesses",
            "landmines",
            "how_we_win",
            "is_active",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in ("strengths", "weaknesses", "landmines", "how_we_win")
        }


class StrategyForm(forms.ModelForm):
    class Meta:
        model = WinStrategy
        fields = ["name", "description", "order", "is_active"]


class ReasonForm(forms.ModelForm):
    class Meta:
        model = WinLossReason
        fields = ["outcome", "name", "order", "is_active"]


class PlanSettingsForm(forms.ModelForm):
    class Meta:
        model = PlanSettings
        fields = ["stale_after_days", "min_sample", "opportunity_probability"]
