"""A call's page and the steps the rep takes on it after the call: log it (held,
no-show, rescheduled), cancel it, plan its follow-up, debrief it, ask for a review and
acknowledge one. Who may take a step is the services' rule; these pages show their
refusals."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from calls import selectors, services
from calls.forms import (
    CallDebriefForm,
    CallLogForm,
    formset_results,
    log_formsets,
    new_objection_results,
    posted_rows,
    problems,
    unasked_reasons,
)
from calls.models import Call
from salesproc.events import timeline_for
from salesproc.registry import panels_for
from salesproc.view_support import process_required
from salesproc.views import apply_errors, int_or_none

from .support import show_errors


@login_required
@process_required("calls")
def call_detail(request, pk):
    call = selectors.get_call_for_user(request.user, pk)
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "is_owner": call.owner_id == request.user.pk,
            "may_review": services.may_review(request.user, call),
            "not_asked": selectors.questions_not_asked(call),
            "timeline": timeline_for(call, user=request.user, limit=20),
            "rescheduled_to": call.rescheduled_to.first()
            if call.status == Call.Status.RESCHEDULED
            else None,
            "follow_ups": list(call.follow_ups.order_by("scheduled_at")),
            "planned_follow_up": selectors.planned_follow_up(call),
            "panels": panels_for(request, call),
        },
    )


def _log_step(request, call, data, question_forms, objection_forms, new_objections):
    """The service step the log form asks for; returns where to go next."""
    if data["result"] == Call.Result.NO_SHOW:
        services.call_mark_no_show(actor=request.user, call=call, note=data["note"])
        messages.success(request, "Marked as a no-show. Debrief it when you are ready.")
        return redirect(call)
    if data["result"] == Call.Result.RESCHEDULED:
        new = services.call_reschedule(
            actor=request.user,
            call=call,
            scheduled_at=data["new_scheduled_at"],
            reason=data["note"],
        )
        messages.success(
            request,
            f"Rescheduled to {timezone.localtime(new.scheduled_at):%a %d %b, %H:%M}; "
            "the plan comes along.",
        )
        return redirect(new)
    services.call_complete(
        actor=request.user,
        call=call,
        outcome=data["outcome"],
        next_steps=data["next_steps"],
        duration_minutes=data["duration_minutes"],
        questions=formset_results(question_forms),
        objections=formset_results(objection_forms) + new_objection_results(new_objections),
        follow_up_at=data["follow_up_at"],
    )
    follow_up = selectors.planned_follow_up(call)
    text = "Call logged. Now debrief it while it is fresh."
    if follow_up:
        text += (
            f" Follow-up planned for {timezone.localtime(follow_up.scheduled_at):%a %d %b, %H:%M}."
        )
    messages.success(request, text)
    return redirect("calls:call_debrief", pk=call.pk)


@login_required
@process_required("calls")
def call_log(request, pk):
    call = selectors.get_call_for_user(request.user, pk)
    try:
        services.require_loggable(request.user, call)
    except (ValidationError, PermissionDenied) as exc:
        show_errors(request, exc)
        return redirect(call)
    initial = {"result": request.GET.get("result") or Call.Result.HELD}
    if call.planned_duration_minutes:
        initial["duration_minutes"] = call.planned_duration_minutes
    form = CallLogForm(request.POST or None, initial=initial)
    post = request.POST if request.method == "POST" else None
    question_forms, objection_forms, question_rows, objection_rows = log_formsets(call, post)
    new_objections = (
        [
            r
            for r in posted_rows(
                request.POST,
                "new_objection_text",
                "new_objection_response",
                "new_objection_handled",
            )
            if r["new_objection_text"].strip() or r["new_objection_response"].strip()
        ]
        if post is not None
        else []
    )
    rows_valid = all(fs.is_valid() for fs in (question_forms, objection_forms) if fs.is_bound)
    if post is not None and form.is_valid() and rows_valid:
        try:
            return _log_step(
                request, call, form.cleaned_data, question_forms, objection_forms, new_objections
            )
        except PermissionDenied as exc:
            show_errors(request, exc)
            return redirect(call)
        except ValidationError as exc:
            if "status" in getattr(exc, "message_dict", {}):
                show_errors(request, exc)
                return redirect(call)
            apply_errors(form, exc)
    library = list(selectors.objection_library())
    return render(
        request,
        "calls/call_log.html",
        {
            "call": call,
            "form": form,
            "question_formset": question_forms,
            "objection_formset": objection_forms,
            "question_rows": question_rows,
            "objection_rows": objection_rows,
            "new_objections": new_objections,
            "library": library,
            "library_data": [
                {"id": o.pk, "text": o.text, "response": o.suggested_response} for o in library
            ],
        },
    )


def _simple_step(request, pk, success, step):
    call = selectors.get_call_for_user(request.user, pk)
    try:
        result = step(call)
    except (ValidationError, PermissionDenied) as exc:
        show_errors(request, exc)
    else:
        messages.success(request, success)
        if isinstance(result, Call) and result.pk != call.pk:
            return redirect(result)
    return redirect(call)


@login_required
@process_required("calls")
@require_POST
def call_no_show(request, pk):
    return _simple_step(
        request,
        pk,
        "Marked as a no-show.",
        lambda call: services.call_mark_no_show(
            actor=request.user, call=call, note=request.POST.get("note", "")
        ),
    )


@login_required
@process_required("calls")
@require_POST
def call_cancel(request, pk):
    return _simple_step(
        request,
        pk,
        "Call cancelled.",
        lambda call: services.call_cancel(
            actor=request.user, call=call, reason=request.POST.get("reason", "")
        ),
    )


@login_required
@process_required("calls")
@require_POST
def call_request_review(request, pk):
    return _simple_step(
        request,
        pk,
        "Your manager has been asked to review the call.",
        lambda call: services.call_request_review(actor=request.user, call=call),
    )


@login_required
@process_required("calls")
@require_POST
def call_acknowledge(request, pk):
    return _simple_step(
        request,
        pk,
        "Review acknowledged. Good luck on the next call!",
        lambda call: services.call_acknowledge_review(actor=request.user, call=call),
    )


def _follow_up_time(call, days):
    """Same time of day, `days` after the call (or after today if that has passed), on a weekday."""
    when = timezone.localtime(call.scheduled_at) + timedelta(days=days)
    now = timezone.localtime()
    if when <= now:
        when = now.replace(hour=when.hour, minute=when.minute, second=0, microsecond=0) + timedelta(
            days=days
        )
    while when.weekday() >= 5:
        when += timedelta(days=1)
    return when


@login_required
@process_required("calls")
@require_POST
def call_follow_up(request, pk):
    """One click: the follow-up call, prefilled with the next steps and unasked questions."""
    call = selectors.get_call_for_user(request.user, pk)
    days = min(max(int_or_none(request.POST.get("in_days")) or 7, 1), 90)
    try:
        follow_up = services.call_plan_follow_up(
            actor=request.user,
            call=call,
            scheduled_at=_follow_up_time(call, days),
            another=request.POST.get("another") == "1",
        )
    except (ValidationError, PermissionDenied) as exc:
        show_errors(request, exc)
        return redirect(call)
    messages.success(
        request,
        f"Follow-up planned for {timezone.localtime(follow_up.scheduled_at):%a %d %b, %H:%M}. "
        "Adjust its plan if you like.",
    )
    return redirect(follow_up)


@login_required
@process_required("calls")
def call_debrief(request, pk):
    call = selectors.get_call_for_user(request.user, pk)
    try:
        services.require_debriefable(request.user, call)
    except (ValidationError, PermissionDenied) as exc:
        show_errors(request, exc)
        return redirect(call)
    not_asked = selectors.questions_not_asked(call)
    form = CallDebriefForm(request.POST or None)
    problem_rows = (
        [
            r
            for r in posted_rows(request.POST, "problem", "proposed_solution")
            if r["problem"].strip() or r["proposed_solution"].strip()
        ]
        if request.method == "POST"
        else []
    )
    reasons = {q.pk: request.POST.get(f"reason_{q.pk}", "") for q in not_asked}
    if request.method == "POST" and form.is_valid():
        try:
            services.call_debrief(
                actor=request.user,
                call=call,
                went_well=form.cleaned_data["went_well"],
                unasked_reasons=unasked_reasons(reasons),
                unresolved=problems(problem_rows),
                request_review=form.cleaned_data["request_review"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Debrief saved."
                + (
                    " Your manager has been asked to review it."
                    if form.cleaned_data["request_review"]
                    else ""
                ),
            )
            return redirect(call)
    return render(
        request,
        "calls/call_debrief.html",
        {
            "call": call,
            "form": form,
            "not_asked": [(q, reasons.get(q.pk, "")) for q in not_asked],
            "problems": problem_rows,
            "unasked_errors": form.errors.get("unasked_reasons"),
            "unresolved_errors": form.errors.get("unresolved"),
            "manager": (call.owner.team.manager if call.owner.team_id else None),
            "planned_follow_up": selectors.planned_follow_up(call),
        },
    )
