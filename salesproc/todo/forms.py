from django import forms

from salesproc.models import users_visible_to

from .models import Task

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class TaskForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_at = forms.DateTimeField(
        label="Due",
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text="You get a reminder at this time.",
    )
    owner = forms.ModelChoiceField(queryset=None, empty_label=None)
    priority = forms.ChoiceField(choices=Task.Priority.choices, initial=Task.Priority.NORMAL)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    record_type = forms.CharField(required=False, widget=forms.HiddenInput)
    record_id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_visible_to(user)
        self.fields["owner"].initial = user.pk
