from django import forms

from salesproc.pickers import use_picker

from .models import DEBRIEF_FIELDS


class DebriefForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in DEBRIEF_FIELDS:
            self.fields[name] = forms.CharField(
                required=False, label=label, widget=forms.Textarea(attrs={"rows": 3})
            )


class CommentForm(forms.Form):
    text = forms.CharField(
        required=False, label="Ask or answer", widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    to_user = forms.ModelChoiceField(queryset=None, label="Account manager")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["to_user"], "user", user=user)
