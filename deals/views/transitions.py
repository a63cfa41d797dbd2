"""Deal transition pages: move (a plain form, the board's drop as JSON and the
exit-criteria prompt), win, lose and reopen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from deals import selectors, services
from deals.forms import (
    LoseForm,
    MoveForm,
    ReopenForm,
    WinForm,
)
from deals.models import Deal, Stage
from salesproc.api_support import validation_error_body
from salesproc.errors import StaleVersion
from salesproc.view_support import process_required, safe_next_url
from salesproc.views import apply_errors, int_or_none


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


# ---------------------------------------------------------------- transitions


def _transition_failed(request, deal, form, exc, template, extra):
    if isinstance(exc, StaleVersion):
        form.add_error(None, str(exc))
        status = 409
    else:
        apply_errors(form, exc)
        status = 400
    return render(request, template, {"deal": deal, "form": form, **extra}, status=status)


@login_required
@process_required("deals")
def deal_move(request, pk):
    """Move to a stage: a plain form, the board's drop (JSON) and the exit-criteria prompt."""
    deal = selectors.get_deal_for_user(request.user, pk)
    source = request.POST if request.method == "POST" else request.GET
    target = None
    stage_id = int_or_none(source.get("stage"))
    if stage_id:
        target = Stage.objects.filter(pk=stage_id, pipeline_id=deal.pipeline_id).first()
    back = safe_next_url(request, deal.get_absolute_url())
    partial = source.get("partial") == "1"
    template = "deals/_move_form.html" if partial else "deals/move_form.html"
    if not deal.is_open:
        if _wants_json(request):
            return JsonResponse(
                {"errors": {"status": ["Reopen the deal before moving it."]}}, status=400
            )
        messages.error(request, "The deal is closed: reopen it to move it.")
        return redirect(deal)
    if request.method != "POST":
        form = MoveForm(deal=deal, target=target, initial={"stage": stage_id})
        return render(
            request, template, {"deal": deal, "form": form, "target": target, "next": back}
        )
    form = MoveForm(request.POST, deal=deal, target=target)
    # The prompt inside the board's dialog posts through htmx: its refusals come back as
    # the prompt again (200, so htmx swaps it in) and a move sends the browser back.
    in_dialog = bool(request.htmx) and partial
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
        return render(
            request,
            template,
            {"deal": deal, "form": form, "target": target, "next": back},
            status=200 if in_dialog else 400,
        )
    data = form.cleaned_data
    try:
        moved = services.deal_move_stage(
            actor=request.user,
            deal=deal,
            stage=data["stage"],
            exit_criteria_confirmed=data.get("exit_criteria_confirmed") or [],
            version=data.get("version"),
            lost_reason=data.get("reason"),
            lost_reason_detail=data.get("detail") or "",
        )
    except (ValidationError, StaleVersion) as exc:
        if _wants_json(request):
            prompt = reverse("deals:deal_move", args=[deal.pk])
            body = (
                validation_error_body(exc)
                if isinstance(exc, ValidationError)
                else {"non_field_errors": [str(exc)]}
            )
            return JsonResponse(
                {
                    "errors": body,
                    "prompt_url": f"{prompt}?stage={data['stage'].pk}&partial=1",
                },
                status=409 if isinstance(exc, StaleVersion) else 400,
            )
        extra = {"target": data["stage"], "next": back}
        if isinstance(exc, ValidationError) and _first_ask(request, exc):
            # The card's Move menu asks nothing: what the move needs (exit criteria, a
            # lost reason) is asked for by the prompt, not reported as a mistake.
            form = MoveForm(deal=deal, target=data["stage"], initial={"stage": data["stage"].pk})
            return render(request, template, {"deal": deal, "form": form, **extra})
        response = _transition_failed(request, deal, form, exc, template, extra)
        if in_dialog:
            response.status_code = 200
        return response
    summary = {
        Deal.Status.WON: f"Won “{moved.name}”. Well done!",
        Deal.Status.LOST: f"“{moved.name}” marked as lost.",
    }.get(moved.status, f"Moved “{moved.name}” to {moved.stage.name}.")
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "stage": moved.stage_id, "version": moved.version, "message": summary}
        )
    messages.success(request, summary)
    if in_dialog:
        response = HttpResponse(status=200)
        response["HX-Redirect"] = back
        return response
    return redirect(back)


PROMPT_FIELDS = {"exit_criteria_confirmed", "reason", "detail"}


def _first_ask(request, exc) -> bool:
    """A move posted without the prompt (the card's Move menu) that the service refused
    only for what the prompt asks."""
    if request.POST.get("prompted") == "1" or not hasattr(exc, "error_dict"):
        return False
    if any(request.POST.get(name) for name in PROMPT_FIELDS):
        return False
    return set(exc.error_dict) <= PROMPT_FIELDS


@login_required
@process_required("deals")
def deal_win(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    form = WinForm(request.POST or None, deal=deal)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_win(
                actor=request.user,
                deal=deal,
                exit_criteria_confirmed=form.cleaned_data.get("exit_criteria_confirmed") or [],
                version=form.cleaned_data.get("version"),
            )
        except (ValidationError, StaleVersion) as exc:
            return _transition_failed(request, deal, form, exc, "deals/win_form.html", {})
        messages.success(request, f"Won “{deal.name}”. Well done!")
        return redirect(deal)
    return render(request, "deals/win_form.html", {"deal": deal, "form": form})


@login_required
@process_required("deals")
def deal_lose(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    form = LoseForm(request.POST or None, deal=deal)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_lose(
                actor=request.user,
                deal=deal,
                reason=form.cleaned_data.get("reason"),
                detail=form.cleaned_data.get("detail") or "",
                version=form.cleaned_data.get("version"),
            )
        except (ValidationError, StaleVersion) as exc:
            return _transition_failed(request, deal, form, exc, "deals/lose_form.html", {})
        messages.success(request, f"“{deal.name}” marked as lost.")
        return redirect(deal)
    return render(request, "deals/lose_form.html", {"deal": deal, "form": form})


@login_required
@process_required("deals")
def deal_reopen(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    form = ReopenForm(
        request.POST or None,
        deal=deal,
        initial_stage=None if deal.is_open else services.stage_to_reopen_in(deal),
    )
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_reopen(
                actor=request.user,
                deal=deal,
                stage=form.cleaned_data.get("stage"),
                version=form.cleaned_data.get("version"),
            )
        except (ValidationError, StaleVersion) as exc:
            return _transition_failed(request, deal, form, exc, "deals/reopen_form.html", {})
        messages.success(request, f"“{deal.name}” is open again, in {deal.stage.name}.")
        return redirect(deal)
    return render(request, "deals/reopen_form.html", {"deal": deal, "form": form})
