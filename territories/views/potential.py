"""A rep's override of an account's potential (from the account page's panel)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.selectors import get_account_for_user
from salesproc.view_support import process_required
from territories.forms import (
    OverrideForm,
)
from territories.potential import services as potential_services

PROCESS = "territories"


@login_required
@process_required(PROCESS)
@require_POST
def potential_override(request, pk):
    account = get_account_for_user(request.user, pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        value = None if "remove" in request.POST else form.cleaned_data["value"]
        try:
            if value is None and "remove" not in request.POST:
                raise ValidationError({"value": "Enter the potential, or remove the override."})
            potential_services.potential_override_set(
                actor=request.user,
                account=account,
                value=value,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "Potential saved.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Enter the potential as an amount of 0 or more.")
    return redirect(account)
