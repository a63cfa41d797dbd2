"""Planning pages: plan a call (from a contact, deal, lead or account page, or as a
follow-up) and change the plan before the call."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Account, Contact
from calls import selectors, services
from calls.forms import CallPlanForm, planned_objections, planned_questions, posted_rows
from salesproc.view_support import process_required
from salesproc.views import apply_errors, int_or_none

from .support import show_errors


def _next_slot(now=None):
    """The next half hour, at least 15 minutes away: the default time of a new plan."""
    now = timezone.localtime(now or timezone.now()) + timedelta(minutes=15)
    minute = 30 if now.minute < 30 else 60
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=minute)


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
        questions = [{"question": q.text, "bank": True} for q in initial["questions"]]
        objections = [
            {
                "objection_text": o.text,
                "objection_response": o.planned_response,
                "objection_library": o.library.pk if o.library else "",
            }
            for o in initial.get("objections", [])
        ]
        return questions, objections
    bank = (
        [{"question": q.text, "bank": True} for q in call_type.questions.all()] if call_type else []
    )
    return bank, []


def _rows_for_service(questions, objections):
    return planned_questions(questions), planned_objections(objections)


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
    initial = {"scheduled_at": _next_slot()}
    fixed = [name for name in CallPlanForm.ABOUT if int_or_none(params.get(name))]
    if not request.user.runs("leads"):  # a role without lead qualification plans no lead call
        fixed = [name for name in fixed if name != "lead"]
    for name in fixed:
        initial[name] = int_or_none(params.get(name))
    probe = CallPlanForm(user=request.user, fixed=fixed)
    for name in fixed:
        if not probe.fields[name].queryset.filter(pk=initial[name]).exists():
            raise Http404("No such record.")
    account_scope = None
    first_account = None
    if "contact" in fixed:
        # Planned from a contact: its account is preselected and the deal picker lists
        # that account's deals first.
        contact = probe.fields["contact"].queryset.get(pk=initial["contact"])
        if (
            contact.account_id
            and probe.fields["account"].queryset.filter(pk=contact.account_id).exists()
        ):
            first_account = contact.account_id
            initial.setdefault("account", contact.account_id)
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
        try:
            services.require_owner(request.user, follow_up_of, "plan its follow-up")
        except PermissionDenied:
            follow_up_of = None  # someone else's call: plan an ordinary call
        if follow_up_of is not None:
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
    if follow_up is None:
        initial.update(services.plan_defaults(about_deal=bool(initial.get("deal"))))
    elif initial.get("call_type"):
        initial["planned_duration_minutes"] = initial["call_type"].default_duration_minutes
    form = CallPlanForm(
        request.POST or None,
        user=request.user,
        fixed=fixed,
        initial=initial,
        account_scope=None if follow_up else account_scope,
        first_account=first_account,
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
    call = selectors.get_call_for_user(request.user, pk)
    try:
        services.require_owner(request.user, call, "change its plan")
    except PermissionDenied as exc:
        show_errors(request, exc)
        return redirect(call)
    if not call.is_plan_editable:
        messages.error(request, "The call has happened: its plan stays as it was.")
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
    form = CallPlanForm(
        request.POST or None, user=request.user, initial=initial, first_account=call.account_id
    )
    questions, objections = _plan_rows(request, call=call)
    if request.method == "POST" and form.is_valid():
        question_rows, objection_rows = _rows_for_service(questions, objections)
        data = dict(form.cleaned_data)
        moved = data.get("contact") != call.contact or data.get("deal") != call.deal
        if moved and data.get("account") == call.account:
            data.pop("account", None)  # derived again from the new contact or deal
        try:
            services.call_update_plan(
                actor=request.user,
                call=call,
                questions=question_rows,
                objections=objection_rows,
                **data,
            )
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
