from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from salesproc.view_support import admin_required
from salesproc.views import apply_errors

from . import selectors, services
from .forms import HealthSettingsForm
from .models import HealthSettings


@login_required
@admin_required
def health_settings(request):
    """Weights and bands, with a preview of how the managed accounts would score."""
    current = services.health_settings()
    weights = services.signal_weights(current)
    form = HealthSettingsForm(
        request.POST or None,
        weights=weights,
        initial={"healthy_from": current.healthy_from, "watch_from": current.watch_from},
    )
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                candidate = HealthSettings(
                    healthy_from=data["healthy_from"],
                    watch_from=data["watch_from"],
                    weights=form.weights(),
                )
                preview = selectors.band_preview(
                    current=current, candidate=candidate, today=timezone.localdate()
                )
            else:
                try:
                    services.health_settings_update(
                        actor=request.user,
                        healthy_from=data["healthy_from"],
                        watch_from=data["watch_from"],
                        weights=form.weights(),
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                    status = 400
                else:
                    messages.success(
                        request, "Health settings saved. Scores update at the next recompute."
                    )
                    return redirect("accounts:health_settings")
        else:
            status = 400
    return render(
        request,
        "accounts/health/settings.html",
        {"form": form, "preview": preview},
        status=status,
    )
