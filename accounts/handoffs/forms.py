from django import forms

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
