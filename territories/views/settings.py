"""The admin's settings pages: owner-follows-rep and the plan's prompts, tier policies,
and the potential model."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render

from salesproc.view_support import admin_required
from salesproc.views import apply_errors
from territories import services
from territories.forms import (
    PotentialBandForm,
    SettingsForm,
    TierModeForm,
    TierPolicyForm,
)
from territories.models import PotentialBand, TerritorySettings
from territories.potential import selectors as potential_selectors
from territories.potential import services as potential_services

PROCESS = "territories"


@login_required
@admin_required
def territory_settings(request):
    """Whether the owner follows the rep, and the territory plan's three questions."""
    current = TerritorySettings.current()
    form = SettingsForm(
        request.POST or None,
        initial={name: getattr(current, name) for name in SettingsForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.territory_settings_update(actor=request.user, **form.cleaned_data)
            messages.success(request, "Territory settings saved.")
            return redirect("territories:settings")
        except ValidationError as exc:
            apply_errors(form, exc)
    status = 400 if request.method == "POST" else 200
    return render(request, "territories/settings.html", {"form": form}, status=status)


@login_required
@admin_required
def potential_bands(request):
    """The potential model: a yearly value per industry and size band (employees or
    annual revenue). One form adds a band or (?band=id) changes one; rows delete."""
    bands = list(PotentialBand.objects.order_by("industry", "basis", "employees_min", "id"))
    editing = None
    band_id = request.POST.get("band") or request.GET.get("band")
    if band_id:
        editing = next((b for b in bands if str(b.pk) == str(band_id)), None)
        if editing is None:
            raise Http404("Page not found")
    if request.method == "POST" and "delete" in request.POST and editing is not None:
        potential_services.potential_band_delete(actor=request.user, band=editing)
        messages.success(request, "Band removed.")
        return redirect("territories:potential_bands")
    form = PotentialBandForm(
        request.POST or None,
        initial=PotentialBandForm.initial_for(editing) if editing else {"basis": "employees"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            potential_services.potential_band_save(
                actor=request.user, band=editing, **form.to_input()
            )
            messages.success(request, "Band saved.")
            return redirect("territories:potential_bands")
        except ValidationError as exc:
            form.add_service_errors(exc)
    return render(
        request,
        "territories/potential_bands.html",
        {"bands": bands, "form": form, "editing": editing},
        status=400 if request.method == "POST" else 200,
    )


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
