"""The admin's settings pages: owner-follows-rep and the plan's prompts, tier policies,
and the potential model."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render

from salesproc.view_support import admin_required
from salesproc.views import apply_errors
from territories import services
from territories.forms import (
    SettingsForm,
    TierModeForm,
    TierPolicyForm,
)
from territories.models import TerritorySettings
from territories.potential import selectors as potential_selectors
from territories.potential import services as potential_services

PROCESS = "territories"


@login_required
@admin_required
def territory_settings(request):
    current = TerritorySettings.current()
    form = SettingsForm(
        request.POST or None, initial={"owner_follows_rep": current.owner_follows_rep}
    )
    if request.method == "POST" and form.is_valid():
        services.territory_settings_update(
            actor=request.user, owner_follows_rep=form.cleaned_data["owner_follows_rep"]
        )
        messages.success(request, "Territory settings saved.")
        return redirect("territories:settings")
    return render(request, "territories/settings.html", {"form": form})


@login_required
@admin_required
def tier_policies(request):
    """Tier policies ("what attention does each deserve?") and how tiers are decided."""
    current = potential_selectors.policies()
    mode_form = TierModeForm(
        request.POST or None, initial={"tier_mode": TerritorySettings.current().tier_mode}
    )
    forms_by_tier = [
        (
            policy,
            TierPolicyForm(
                request.POST or None,
                prefix=policy.tier,
                initial={field: getattr(policy, field) for field in TierPolicyForm.base_fields},
            ),
        )
        for policy in current
    ]
    status = 200
    if request.method == "POST":
        valid = mode_form.is_valid() and all(form.is_valid() for _policy, form in forms_by_tier)
        if valid and _save_tier_policies(request.user, mode_form, forms_by_tier):
            messages.success(request, "Tier policies saved.")
            return redirect("territories:tier_policies")
        status = 400
    return render(
        request,
        "territories/tier_policies.html",
        {"mode_form": mode_form, "forms_by_tier": forms_by_tier},
        status=status,
    )


def _save_tier_policies(actor, mode_form, forms_by_tier) -> bool:
    """All four policies and the mode, or none: a refused one shows on its own form."""
    try:
        with transaction.atomic():
            potential_services.tier_mode_set(actor=actor, mode=mode_form.cleaned_data["tier_mode"])
            for policy, form in forms_by_tier:
                try:
                    potential_services.tier_policy_update(
                        actor=actor, tier=policy.tier, **form.cleaned_data
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                    raise
    except ValidationError:
        return False
    return True
