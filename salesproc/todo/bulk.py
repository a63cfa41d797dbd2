"""The "Add a task" bulk action: one task per selected row, on every bulk list (tasks
go on any record), each through task_create with its visibility and owner checks."""

from django import forms
from django.core.exceptions import ValidationError

from salesproc.models import users_visible_to
from salesproc.registry import BulkAction, record_type_of, register_bulk_action

from .forms import DATETIME_FORMAT
from .models import Task
from .services import task_create, task_owner_check


class BulkTaskForm(forms.Form):
    """Title, due time, priority and owner (blank: the person running the action)."""

    title = forms.CharField(
        label="Task",
        max_length=200,
        error_messages={"required": "Say what is to be done."},
        widget=forms.TextInput(attrs={"placeholder": "Call back about pricing"}),
    )
    due_at = forms.DateTimeField(
        label="Due",
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"invalid": "Give the due date and time, like 2026-12-02 10:00."},
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Task.Priority.choices,
        initial=Task.Priority.NORMAL,
        required=False,
        error_messages={"invalid_choice": "Choose low, normal or high."},
    )
    owner = forms.ModelChoiceField(
        label="For",
        queryset=None,
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Choose someone you work with."},
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # the same rows as the reassign actions' owner (the bar fetches them once)
        self.fields["owner"].queryset = users_visible_to(user).filter(is_active=True)
        if user is not None:
            self.fields["owner"].initial = user.pk

    def clean_owner(self):
        owner = self.cleaned_data.get("owner") or self.user
        task_owner_check(actor=self.user, owner=owner)  # the todo service's own rule
        return owner

    def clean_priority(self):
        return self.cleaned_data.get("priority") or Task.Priority.NORMAL


def add_task(*, actor, record, params):
    kind = record_type_of(record)
    if kind is None:
        raise ValidationError("Tasks cannot go on this kind of record.")
    task_create(
        actor=actor,
        data={
            "title": params["title"],
            "due_at": params.get("due_at"),
            "priority": params["priority"],
            "owner": params["owner"],
            "record_type": kind.type,
            "record_id": record.pk,
        },
    )


def register():
    register_bulk_action(
        BulkAction("*", "task", "Add a task", add_task, form=BulkTaskForm, order=70)
    )
