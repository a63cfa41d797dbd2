"""The notification preferences page: one choice per kind."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from . import services
from .kinds import CHANNELS


class PreferencesForm(forms.Form):
    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[row["kind"]] = forms.ChoiceField(
                label=row["label"],
                choices=CHANNELS,
                initial=row["channel"],
                widget=forms.RadioSelect,
            )


@login_required
def notification_preferences(request):
    rows = services.preferences_for(user=request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                services.preferences_set(actor=request.user, choices=form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Notification settings saved.")
                return redirect("notification_preferences")
        status = 400
    else:
        form = PreferencesForm(rows=rows)
        status = 200
    return render(
        request,
        "salesproc/notification_preferences.html",
        {"form": form, "rows": rows, "channels": CHANNELS},
        status=status,
    )
