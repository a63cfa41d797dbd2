from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Account, Contact
from salesproc.charts import bar_chart, line_chart
from salesproc.events import timeline_for
from salesproc.models import User, users_visible_to
from salesproc.view_support import admin_required, manager_required, process_required
from salesproc.views import apply_errors, int_or_none

from . import ical, selectors, services
from .forms import (
    CallDebriefForm,
    CallLogForm,
    CallPlanForm,
    CallReviewForm,
    CallTypeForm,
    ObjectionForm,
    posted_rows,
)
from .models import Call, CallType, Objection

PAGE_SIZE = 25


def _next_slot(now=None):
    """The next half hour, at least 15 minutes away: the default time of a new plan."""
    now = timezone.localtime(now or timezone.now()) + timedelta(minutes=15)
    minute = 30 if now.minute < 30 else 60
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=minute)


def _show_errors(request, exc):
    """A refused step on a page without a form: say why, as a message."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "You cannot do that.")
        return
    for text in exc.messages:
        messages.error(request, text)


# -- planning ---------------------------------------------------------------------


def _plan_rows(request, call_type=None, call=None, initial=None):
    """The question and objection rows the plan form shows."""
    if request.method == "POST":
        questions = [
            r for r in posted_rows(request.POST, "question", "question_id") if r["question"].strip()
        ]
        objections = [
            r
            for r in posted_rows(
                request.POST,
                "objection_text",
                "objection_response",
                "objection_id",
                "objection_library",
            )
            if r["objection_text"].strip() or r["objection_response"].strip()
        ]
        return questions, objections
    if call is not None:
        questions = [{"question": q.text, "question_id": q.pk} for q in call.questions.all()]
        objections = [
            {
                "objection_text": o.text,
                "objection_response": o.planned_response,
                "objection_id": o.pk,
                "objection_library": o.library_objection_id or "",
            }
            for o in call.objections.all()
        ]
        return questions, objections
    if initial and "questions" in initial:
        questions = [{"question": q["text"], "bank": True} for q in initial["questions"]]
        objections = [
            {
                "objection_text": o["text"],
                "objection_response": o["planned_response"],
                "objection_library": o["objection"].pk if o.get("objection") else "",
            }
            for o in initial.get("objections", [])
        ]
        return questions, objections
    bank = (
        [{"question": q.text, "bank": True} for q in call_type.questions.all()] if call_type else []
    )
    return bank, []


def _rows_for_service(questions, objections):
    return (
        [{"id": r.get("question_id") or None, "text": r["question"]} for r in questions],
        [
            {
                "id": r.get("objection_id") or None,
                "text": r["objection_text"],
                "planned_response": r["objection_response"],
                "objection": int_or_none(r.get("objection_library")),
            }
            for r in objections
        ],
    )


def _plan_context(request, form, questions, objections, **extra):
    call_types = list(selectors.active_call_types())
    library = list(selectors.objection_library())
    return {
        "form": form,
        "questions": questions,
        "objections": objections,
        "call_types": call_types,
        "banks": {
            str(t.pk): {
                "questions": [q.text for q in t.questions.all()],
                "minutes": t.default_duration_minutes,
            }
            for t in call_types
        },
        "library": library,
        "library_data": [
            {"id": o.pk, "text": o.text, "response": o.suggested_response} for o in library
        ],
        **extra,
    }


@login_required
@process_required("calls")
def call_plan(request):
    """Plan a call. Opened from a contact, deal, lead or account page, it is about that record."""
    params = request.GET
    initial = {
        "scheduled_at": _next_slot(),
        "channel": Call.Channel.PHONE,
        "planned_duration_minutes": 30,
    }
    fixed = [name for name in CallPlanForm.ABOUT if int_or_none(params.get(name))]
    for name in fixed:
        initial[name] = int_or_none(params.get(name))
    probe = CallPlanForm(user=request.user, fixed=fixed)
    for name in fixed:
        if not probe.fields[name].queryset.filter(pk=initial[name]).exists():
            raise Http404("No such record.")
    account_scope = None
    if "contact" not in fixed and ("deal" in fixed or "account" in fixed):
        if "deal" in fixed:
            deal = probe.fields["deal"].queryset.get(pk=initial["deal"])
            account_scope = deal.account_id
            if (
                deal.primary_contact_id
                and probe.fields["contact"].queryset.filter(pk=deal.primary_contact_id).exists()
            ):
                initial["contact"] = deal.primary_contact_id
        else:
            account_scope = initial["account"]
    follow_up_of = None
    follow_up = None
    if int_or_none(params.get("follow_up_of")):
        follow_up_of = selectors.get_call_for_user(request.user, params["follow_up_of"])
        if follow_up_of.owner_id == request.user.pk:
            follow_up = services.follow_up_initial(follow_up_of)
            fixed = [name for name in CallPlanForm.ABOUT if follow_up.get(name) is not None]
            for name in fixed:
                initial[name] = follow_up[name].pk
            initial.update(
                call_type=follow_up["call_type"],
                channel=follow_up["channel"],
                purpose=follow_up["purpose"],
                desired_outcome=follow_up["desired_outcome"],
                scheduled_at=_next_slot(timezone.now() + timedelta(days=7)),
            )
        else:
            follow_up_of = None
    call_types = list(selectors.active_call_types())
    if "call_type" not in initial and call_types:
        wanted = "follow-up" if initial.get("deal") else "discovery"
        initial["call_type"] = next(
            (t for t in call_types if t.name.lower() == wanted), call_types[0]
        )
    if initial.get("call_type"):
        initial["planned_duration_minutes"] = initial["call_type"].default_duration_minutes
    form = CallPlanForm(
        request.POST or None,
        user=request.user,
        fixed=fixed,
        initial=initial,
        account_scope=None if follow_up else account_scope,
    )
    questions, objections = _plan_rows(
        request, call_type=initial.get("call_type"), initial=follow_up
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question_rows, objection_rows = _rows_for_service(questions, objections)
        try:
            call = services.call_plan(
                actor=request.user,
                scheduled_at=data["scheduled_at"],
                purpose=data["purpose"],
                contact=data.get("contact"),
                lead=data.get("lead"),
                account=data.get("account"),
                deal=data.get("deal"),
                call_type=data["call_type"],
                channel=data["channel"],
                planned_duration_minutes=data["planned_duration_minutes"],
                desired_outcome=data["desired_outcome"],
                questions=question_rows,
                objections=objection_rows,
                follow_up_of=follow_up_of,
                another_follow_up=bool(params.get("another")),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Call planned for {timezone.localtime(call.scheduled_at):%a %d %b, %H:%M}.",
            )
            return redirect(call)
    about = [
        form.fields[name].queryset.filter(pk=initial[name]).first()
        for name in fixed
        if initial.get(name)
    ]
    contact_accounts = {r.account_id for r in about if isinstance(r, Contact)}
    about = [
        (
            f"{r.full_name}, {r.account.name}"
            if isinstance(r, Contact) and r.account_id
            else str(r),
            r,
        )
        for r in about
        if r is not None and not (isinstance(r, Account) and r.pk in contact_accounts)
    ]
    return render(
        request,
        "calls/call_plan.html",
        _plan_context(
            request,
            form,
            questions,
            objections,
            about=about,
            follow_up_of=follow_up_of,
        ),
    )


@login_required
@process_required("calls")
def call_edit(request, pk):
    call = selectors.get_call_for_user(request.user, pk, detail=True)
    if call.owner_id != request.user.pk or not call.is_plan_editable:
        messages.error(
            request,
            "Only the owner can change the plan, and only before the call."
            if call.owner_id != request.user.pk
            else "The call has happened: its plan stays as it was.",
        )
        return redirect(call)
    initial = {
        "scheduled_at": timezone.localtime(call.scheduled_at),
        "planned_duration_minutes": call.planned_duration_minutes,
        "call_type": call.call_type,
        "channel": call.channel,
        "purpose": call.purpose,
        "desired_outcome": call.desired_outcome,
        "contact": call.contact_id,
        "deal": call.deal_id,
        "lead": call.lead_id,
        "account": call.account_id,
    }
    form = CallPlanForm(request.POST or None, user=request.user, initial=initial)
    questions, objections = _plan_rows(request, call=call)
    if request.method == "POST" and form.is_valid():
        question_rows, objection_rows = _rows_for_service(questions, objections)
        data = {**form.cleaned_data, "questions": question_rows, "objections": objection_rows}
        moved = data.get("contact") != call.contact or data.get("deal") != call.deal
        if moved and data.get("account") == call.account:
            data.pop("account", None)  # derived again from the new contact or deal
        try:
            services.call_update_plan(actor=request.user, call=call, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Plan saved.")
            return redirect(call)
    return render(
        request,
        "calls/call_plan.html",
        _plan_context(request, form, questions, objections, call=call, about=[]),
    )


# -- detail and the steps after the call -------------------------------------------


@login_required
@process_required("calls")
def call_detail(request, pk):
    call = selectors.get_call_for_user(request.user, pk, detail=True)
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
        },
    )


def _owned_call(request, pk, doing):
    call = selectors.get_call_for_user(request.user, pk, detail=True)
    if call.owner_id != request.user.pk:
        messages.error(request, f"Only {call.owner.display_name}, who owns this call, can {doing}.")
        return call, redirect(call)
    return call, None


@login_required
@process_required("calls")
def call_log(request, pk):
    call, refused = _owned_call(request, pk, "log it")
    if refused:
        return refused
    if call.status != Call.Status.PLANNED:
        messages.error(request, "This call has already been logged.")
        return redirect(call)
    initial = {"result": request.GET.get("result") or Call.Result.HELD}
    if call.planned_duration_minutes:
        initial["duration_minutes"] = call.planned_duration_minutes
    form = CallLogForm(request.POST or None, initial=initial)
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
        if request.method == "POST"
        else []
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
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
            post = request.POST
            questions = [
                {
                    "id": q.pk,
                    "asked": post.get(f"asked_{q.pk}") == "on",
                    "answer": post.get(f"answer_{q.pk}", ""),
                }
                for q in call.questions.all()
            ]
            handled = {"yes": True, "no": False}
            objections = [
                {
                    "id": o.pk,
                    "encountered": post.get(f"met_{o.pk}") == "on",
                    "response_given": post.get(f"response_{o.pk}", ""),
                    "handled_well": handled.get(post.get(f"handled_{o.pk}")),
                }
                for o in call.objections.all()
            ] + [
                {
                    "text": r["new_objection_text"],
                    "response_given": r["new_objection_response"],
                    "handled_well": handled.get(r["new_objection_handled"]),
                }
                for r in new_objections
            ]
            services.call_complete(
                actor=request.user,
                call=call,
                outcome=data["outcome"],
                next_steps=data["next_steps"],
                duration_minutes=data["duration_minutes"],
                questions=questions,
                objections=objections,
                follow_up_at=data["follow_up_at"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            follow_up = call.follow_ups.order_by("-id").first()
            text = "Call logged. Now debrief it while it is fresh."
            if follow_up:
                text += (
                    f" Follow-up planned for "
                    f"{timezone.localtime(follow_up.scheduled_at):%a %d %b, %H:%M}."
                )
            messages.success(request, text)
            return redirect("calls:call_debrief", pk=call.pk)
    post = request.POST
    library = list(selectors.objection_library())
    return render(
        request,
        "calls/call_log.html",
        {
            "call": call,
            "form": form,
            "question_rows": [
                (q, post.get(f"asked_{q.pk}") == "on", post.get(f"answer_{q.pk}", ""))
                for q in call.questions.all()
            ],
            "objection_rows": [
                (
                    o,
                    post.get(f"met_{o.pk}") == "on",
                    post.get(f"response_{o.pk}", ""),
                    post.get(f"handled_{o.pk}", ""),
                )
                for o in call.objections.all()
            ],
            "new_objections": new_objections,
            "library": library,
            "library_data": [
                {"id": o.pk, "text": o.text, "response": o.suggested_response} for o in library
            ],
        },
    )


def _simple_step(request, pk, doing, step, success):
    call, refused = _owned_call(request, pk, doing)
    if refused:
        return refused
    try:
        result = step(call)
    except (ValidationError, PermissionDenied) as exc:
        _show_errors(request, exc)
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
        "mark it as a no-show",
        lambda call: services.call_mark_no_show(
            actor=request.user, call=call, note=request.POST.get("note", "")
        ),
        "Marked as a no-show.",
    )


@login_required
@process_required("calls")
@require_POST
def call_cancel(request, pk):
    return _simple_step(
        request,
        pk,
        "cancel it",
        lambda call: services.call_cancel(
            actor=request.user, call=call, reason=request.POST.get("reason", "")
        ),
        "Call cancelled.",
    )


@login_required
@process_required("calls")
@require_POST
def call_request_review(request, pk):
    return _simple_step(
        request,
        pk,
        "ask for its review",
        lambda call: services.call_request_review(actor=request.user, call=call),
        "Your manager has been asked to review the call.",
    )


@login_required
@process_required("calls")
@require_POST
def call_acknowledge(request, pk):
    return _simple_step(
        request,
        pk,
        "acknowledge its review",
        lambda call: services.call_acknowledge_review(actor=request.user, call=call),
        "Review acknowledged. Good luck on the next call!",
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
    call, refused = _owned_call(request, pk, "plan its follow-up")
    if refused:
        return refused
    days = min(max(int_or_none(request.POST.get("in_days")) or 7, 1), 90)
    try:
        follow_up = services.call_plan_follow_up(
            actor=request.user,
            call=call,
            scheduled_at=_follow_up_time(call, days),
            another=request.POST.get("another") == "1",
        )
    except (ValidationError, PermissionDenied) as exc:
        _show_errors(request, exc)
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
    call, refused = _owned_call(request, pk, "debrief it")
    if refused:
        return refused
    if not call.can_debrief:
        messages.error(
            request,
            "Log the call before you debrief it."
            if call.status == Call.Status.PLANNED
            else "This call cannot be debriefed any more.",
        )
        return redirect(call)
    not_asked = selectors.questions_not_asked(call)
    form = CallDebriefForm(request.POST or None)
    problems = (
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
                unasked_reasons=[
                    {"question": pk, "reason": reason} for pk, reason in reasons.items()
                ],
                unresolved=problems,
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
            "problems": problems,
            "unasked_errors": form.errors.get("unasked_reasons"),
            "unresolved_errors": form.errors.get("unresolved"),
            "manager": (call.owner.team.manager if call.owner.team_id else None),
            "planned_follow_up": selectors.planned_follow_up(call),
        },
    )


# -- review -----------------------------------------------------------------------


@login_required
@process_required("calls")
@manager_required
def review_queue(request):
    queue = list(selectors.review_queue(user=request.user)[:200])
    return render(request, "calls/review_queue.html", {"queue": queue, "now": timezone.now()})


@login_required
@process_required("calls")
def call_review(request, pk):
    call = selectors.get_call_for_user(request.user, pk, detail=True)
    if not services.may_review(request.user, call):
        messages.error(
            request,
            "You cannot review your own call: your manager reviews it."
            if call.owner_id == request.user.pk
            else "Only the owner's manager or an admin can review this call.",
        )
        return redirect(call)
    if call.status != Call.Status.DEBRIEFED:
        messages.error(
            request,
            "This call has already been reviewed."
            if call.status == Call.Status.REVIEWED
            else "The rep has not debriefed this call yet.",
        )
        return redirect(call)
    form = CallReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.call_review(
                actor=request.user,
                call=call,
                feedback=data["feedback"],
                coaching_points=data["coaching_points"],
                ratings={key: data[key] for key in services.RATING_KEYS},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Review sent to {call.owner.display_name}.")
            next_call = selectors.review_queue(user=request.user).first()
            return (
                redirect("calls:call_review", pk=next_call.pk)
                if next_call
                else redirect("calls:review_queue")
            )
    return render(
        request,
        "calls/call_review.html",
        {
            "call": call,
            "form": form,
            "not_asked": selectors.questions_not_asked(call),
            "rating_fields": [form[key] for key in services.RATING_KEYS],
            "queue_size": selectors.review_queue(user=request.user).count(),
        },
    )


# -- agenda, list, coaching ---------------------------------------------------------


@login_required
@process_required("calls")
def agenda(request):
    return render(
        request,
        "calls/agenda.html",
        {**selectors.agenda(user=request.user), "today_date": timezone.localdate()},
    )


@login_required
@process_required("calls")
def call_list(request):
    params = request.GET
    qs = selectors.call_list(
        user=request.user,
        search=params.get("q", "").strip(),
        status=params.get("status", ""),
        owner=int_or_none(params.get("owner")),
        call_type=int_or_none(params.get("type")),
        channel=params.get("channel", ""),
        period=params.get("period", ""),
        ordering=params.get("sort", "-when"),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    context = {
        "page": page,
        "statuses": Call.Status.choices,
        "channels": Call.Channel.choices,
        "call_types": CallType.objects.all(),
        "owners": users_visible_to(request.user),
    }
    template = "calls/_call_table.html" if request.htmx else "calls/call_list.html"
    return render(request, template, context)


def _short(text, limit=19):
    """Chart labels have room for about 19 characters; the table beside has the rest."""
    text = text.replace("'", "’")  # the chart escapes ' into 6 characters before cutting
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _thin_labels(labels):
    """Every other week's label (and not the last, which the chart's edge would clip)."""
    if len(labels) <= 6:
        return labels
    return [label if i % 2 == 0 and i < len(labels) - 1 else "" for i, label in enumerate(labels)]


@login_required
@process_required("calls")
@manager_required
def coaching(request):
    days = selectors.PERIODS.get(request.GET.get("period", "90"), 90)
    owner = int_or_none(request.GET.get("rep"))
    reps = list(selectors.coaching_reps(user=request.user))
    if owner and owner not in {u.pk for u in reps}:
        owner = None
    figures = selectors.coaching_dashboard(user=request.user, days=days, owner=owner, people=reps)

    return render(
        request,
        "calls/coaching.html",
        {
            **figures,
            "days": days,
            "periods": selectors.PERIODS,
            "reps_to_pick": reps,
            "owner": owner,
            "rating_chart": line_chart(
                figures["rating_series"],
                _thin_labels(figures["week_labels"]),
                title="Average review rating per rep, by week of the call",
                min_value=1,
                max_value=5,
            ),
            "objection_chart": bar_chart(
                [(_short(row["label"]), row["times"]) for row in figures["objections"]],
                title="Objections met most often",
            ),
            "skipped_chart": bar_chart(
                [(_short(row["text"]), row["skipped"]) for row in figures["skipped_questions"]],
                title="Planned questions most often skipped",
            ),
        },
    )


# -- calendar feed ----------------------------------------------------------------


@login_required
@process_required("calls")
def calendar_settings(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(actor=request.user)
            messages.success(request, "Calendar feed turned off: the old address no longer works.")
        else:
            services.calendar_token_regenerate(actor=request.user)
            messages.success(
                request, "New private address ready. Any old address has stopped working."
            )
        return redirect("calls:calendar")
    feed_url = (
        request.build_absolute_uri(
            reverse("calls:calendar_feed", args=[request.user.calendar_token])
        )
        if request.user.calendar_token
        else ""
    )
    return render(request, "calls/calendar.html", {"feed_url": feed_url})


def calendar_feed(request, token):
    """The private iCalendar feed: no login, the unguessable token is the key."""
    if not token or len(token) < 20:
        raise Http404("No such calendar.")
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or not user.runs("calls"):
        raise Http404("No such calendar.")
    body = ical.calendar_for(
        user=user,
        calls=selectors.calendar_calls(user=user),
        link=lambda call: request.build_absolute_uri(call.get_absolute_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calls.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# -- admin settings ---------------------------------------------------------------


@login_required
@admin_required
def call_type_list(request):
    form = CallTypeForm(request.POST or None)
    questions = (
        [r for r in posted_rows(request.POST, "question") if r["question"].strip()]
        if request.method == "POST"
        else []
    )
    if request.method == "POST" and form.is_valid():
        try:
            call_type = services.call_type_create(
                actor=request.user,
                data={**form.cleaned_data, "questions": [r["question"] for r in questions]},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Call type “{call_type.name}” added.")
            return redirect("calls:call_type_list")
    call_types = CallType.objects.prefetch_related("questions").order_by("order", "name")
    return render(
        request,
        "calls/settings_call_types.html",
        {"call_types": call_types, "form": form, "questions": questions},
    )


@login_required
@admin_required
def call_type_edit(request, pk):
    call_type = get_object_or_404(CallType, pk=pk)
    form = CallTypeForm(request.POST or None, instance=call_type)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            services.call_type_delete(actor=request.user, call_type=call_type)
        except ValidationError as exc:
            _show_errors(request, exc)
            return redirect("calls:call_type_edit", pk=pk)
        messages.success(request, "Call type deleted.")
        return redirect("calls:call_type_list")
    if request.method == "POST":
        questions = [r for r in posted_rows(request.POST, "question") if r["question"].strip()]
    else:
        questions = [{"question": q.text} for q in call_type.questions.all()]
    if request.method == "POST" and form.is_valid():
        try:
            services.call_type_update(
                actor=request.user,
                call_type=CallType.objects.get(pk=pk),
                data={**form.cleaned_data, "questions": [r["question"] for r in questions]},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Call type saved. New plans use the new question bank.")
            return redirect("calls:call_type_list")
    return render(
        request,
        "calls/settings_call_type_edit.html",
        {"call_type": call_type, "form": form, "questions": questions},
    )


@login_required
@admin_required
def objection_list(request):
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Added to the library: “{objection.text}”.")
            return redirect("calls:objection_list")
    return render(
        request,
        "calls/settings_objections.html",
        {"objections": Objection.objects.order_by("category", "text"), "form": form},
    )


@login_required
@admin_required
def objection_edit(request, pk):
    objection = get_object_or_404(Objection, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.objection_delete(actor=request.user, objection=objection)
        messages.success(request, "Objection removed from the library.")
        return redirect("calls:objection_list")
    form = ObjectionForm(request.POST or None, instance=objection)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_update(
                actor=request.user,
                objection=Objection.objects.get(pk=pk),
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Objection saved.")
            return redirect("calls:objection_list")
    return render(
        request, "calls/settings_objection_edit.html", {"objection": objection, "form": form}
    )
