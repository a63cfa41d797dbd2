"""The qualification page: the same questions for every rep, scored live, decided here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from leads import scoring, selectors, services
from leads.models import Qualification
from salesproc.view_support import process_required
from salesproc.views import int_or_none

from .leads import visible_lead


def _answers_from_post(criteria, post):
    """({id: value}, {id: message}) from answer-<id> fields of the qualification form."""
    answers, errors = {}, {}
    for spec in criteria:
        raw = post.get(f"answer-{spec.id}")
        if raw is None:
            continue
        try:
            answers[spec.id] = scoring.parse_form_answer(spec, raw)
        except ValueError as exc:
            errors[spec.id] = str(exc)
    return answers, errors


def _starting_answers(lead, criteria):
    """The answers the form opens with, and which came from profile rules."""
    source = selectors.working_qualification(lead) or selectors.latest_decided_qualification(lead)
    ids = {spec.id for spec in criteria}
    answers, profile = {}, set()
    if source is not None:
        answers = {int(k): v for k, v in source.answers.items() if int(k) in ids}
        profile = {r["criterion"] for r in source.results if r.get("from_profile")} & ids
    rules = scoring.profile_rule_answers(criteria, selectors.lead_fields(lead))
    for criterion_id, value in rules.items():
        if criterion_id not in answers:
            answers[criterion_id] = value
            profile.add(criterion_id)
    return answers, profile


def _qualification_context(*, lead, criteria, answers, profile=(), errors=None, **extra):
    result = scoring.score(criteria, answers, profile=profile)
    statuses = {r.criterion: r for r in result.results}
    rows = [
        {
            "spec": spec,
            "value": answers.get(spec.id),
            "result": statuses[spec.id],
            "error": (errors or {}).get(spec.id),
        }
        for spec in criteria
    ]
    return {
        "lead": lead,
        "criteria": criteria,
        "rows": rows,
        "result": result,
        "reasons": selectors.active_reasons(),
        "errors": errors or {},
        **extra,
    }


def _answered_version(criteria, posted_id):
    """The number of the criteria version the form was answered on (it posts the id)."""
    if not posted_id or posted_id == str(criteria.version_id):
        return criteria.version_number
    number = selectors.version_number_of(posted_id)
    return number if number is not None else 0  # an unknown version: refused as stale


@login_required
@process_required("leads")
def lead_qualify(request, pk):
    """The same questions in the same order for every rep; decisions post here."""
    lead = visible_lead(request, pk)
    criteria = selectors.current_criteria()
    if request.method != "POST":
        answers, profile = _starting_answers(lead, criteria)
        return render(
            request,
            "leads/qualify.html",
            _qualification_context(lead=lead, criteria=criteria, answers=answers, profile=profile),
        )
    answers, errors = _answers_from_post(criteria, request.POST)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    reason_id = request.POST.get("reason", "")
    extra = {"note": note, "reason_id": reason_id}
    answered_version = _answered_version(criteria, request.POST.get("version"))
    if action not in ("qualify", "confirm", "keep_working", "disqualify"):
        errors = errors or {"__action__": True}
    if not errors:
        try:
            if action in ("qualify", "confirm"):
                qualification = services.lead_qualify(
                    actor=request.user,
                    lead=lead,
                    answers=answers,
                    confirm=action == "confirm",
                    note=note,
                    answered_version=answered_version,
                )
            elif action == "keep_working":
                qualification = services.lead_keep_working(
                    actor=request.user,
                    lead=lead,
                    answers=answers,
                    note=note,
                    answered_version=answered_version,
                )
            else:
                qualification = services.lead_disqualify(
                    actor=request.user,
                    lead=lead,
                    reason=reason_id,
                    answers=answers,
                    note=note,
                    answered_version=answered_version,
                )
        except ValidationError as exc:
            extra["service_errors"] = (
                exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            )
        else:
            decision = qualification.decision
            if decision == Qualification.Decision.QUALIFIED:
                messages.success(request, f"Qualified with a score of {qualification.score}.")
            elif decision == Qualification.Decision.DISQUALIFIED:
                messages.success(
                    request, f"Disqualified: {qualification.disqualification_reason.name}."
                )
            elif action == "qualify":
                messages.warning(
                    request,
                    f"Not qualified yet: score {qualification.score} with the suggestion "
                    f"“{qualification.get_verdict_display().lower()}”. Answers saved; "
                    "use “Qualify anyway” to override.",
                )
            else:
                messages.success(request, "Answers saved; the lead stays in your working list.")
            return redirect(lead)
    context = _qualification_context(
        lead=lead,
        criteria=criteria,
        answers=answers,
        errors={k: v for k, v in errors.items() if isinstance(k, int)},
        **extra,
    )
    return render(request, "leads/qualify.html", context, status=400)


@login_required
@process_required("leads")
@require_POST
def lead_qualify_preview(request, pk):
    """htmx: score the answers on the form as they change. Writes nothing."""
    lead = visible_lead(request, pk)
    criteria = selectors.current_criteria()
    answers, errors = _answers_from_post(criteria, request.POST)
    profile = {int_or_none(p) for p in request.POST.getlist("profile")}
    profile = {
        p
        for p in profile
        if p is not None
        and request.POST.get(f"profile-value-{p}") == str(request.POST.get(f"answer-{p}"))
    }
    context = _qualification_context(
        lead=lead,
        criteria=criteria,
        answers=answers,
        profile=profile,
        errors=errors,
        reason_id=request.POST.get("reason", ""),
        oob=True,
    )
    return render(request, "leads/_qualification_result.html", context)
