from django import forms

from salesproc.models import users_visible_to

from .models import (
    AccountAction,
    AccountNeed,
    AccountRisk,
    PlanPrompt,
    PlanSettings,
    RelationshipEntry,
)


class PlanCreateForm(forms.Form):
    period = forms.CharField(max_length=40, label="Period", help_text="For example FY2027.")


class PlanAnswersForm(forms.Form):
    """One text box per prompt the plan was written against, the targets, and the version
    the user edited (a stale one is refused by the service)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    retention_target = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, label="Retention target"
    )
    growth_target = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, label="Growth target"
    )

    def __init__(self, *args, plan, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": plan.version,
                "retention_target": plan.retention_target,
                "growth_target": plan.growth_target,
                **{f"answer_{k}": v for k, v in (plan.answers or {}).items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.prompts = plan.prompts
        for prompt in plan.prompts:
            self.fields[f"answer_{prompt['key']}"] = forms.CharField(
                required=False,
                label=prompt["text"],
                help_text=prompt.get("help_text", ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self):
        return {p["key"]: self.cleaned_data.get(f"answer_{p['key']}", "") for p in self.prompts}

    def section_fields(self, section):
        return [self[f"answer_{p['key']}"] for p in self.prompts if p["section"] == section]


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What should change"
    )


class NeedForm(forms.ModelForm):
    class Meta:
        model = AccountNeed
        fields = ["description", "priority", "source", "source_date", "status"]
        widgets = {"source_date": forms.DateInput(attrs={"type": "date"})}


class ActionForm(forms.ModelForm):
    class Meta:
        model = AccountAction
        fields = ["description", "owner", "due_date", "need", "status"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_visible_to(user)
        self.fields["owner"].initial = user.pk
        self.fields["need"].queryset = plan.needs.all()


class RiskForm(forms.ModelForm):
    class Meta:
        model = AccountRisk
        fields = ["description", "likelihood", "impact", "mitigation", "owner"]
        widgets = {"mitigation": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_visible_to(user)


class RelationshipForm(forms.ModelForm):
    class Meta:
        model = RelationshipEntry
        fields = ["contact", "role", "counterpart", "strength", "is_executive_sponsor"]
        labels = {"counterpart": "Our counterpart", "strength": "Strength (1 to 5)"}

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = plan.account.contacts.order_by("last_name", "id")
        self.fields["counterpart"].queryset = users_visible_to(user)
        self.fields["strength"].widget = forms.NumberInput(attrs={"min": 1, "max": 5})

    def validate_unique(self):
        """One contact per plan: the service says so, with the contact's name."""


class PlanSettingsForm(forms.ModelForm):
    class Meta:
        model = PlanSettings
        fields = ["review_interval_days", "handoff_due_days"]


class PromptForm(forms.ModelForm):
    class Meta:
        model = PlanPrompt
        fields = ["section", "text", "help_text", "order", "is_active"]
