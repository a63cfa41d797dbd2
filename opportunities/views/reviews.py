"""The win/loss review page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from opportunities import selectors, services
from opportunities.forms import ManagerNoteForm, ReviewForm
from salesproc.view_support import process_required
from salesproc.views import apply_errors

from .common import PROCESS


@login_required
@process_required(PROCESS)
def review_edit(request, pk):
    review = selectors.get_review_for_user(request.user, pk)
    is_owner = review.deal.owner_id == request.user.pk
    may_note = not is_owner and (
        request.user.is_crm_admin or review.deal.owner.team_id in request.user.managed_team_ids
    )
    form = ReviewForm(instance=selectors.get_review_for_user(request.user, pk))
    note_form = ManagerNoteForm(initial={"manager_note": review.manager_note})
    status = 200
    if request.method == "POST" and request.POST.get("action") == "note":
        note_form = ManagerNoteForm(request.POST)
        if note_form.is_valid():
            try:
                services.review_add_note(
                    actor=request.user, review=review, note=note_form.cleaned_data["manager_note"]
                )
            except ValidationError as exc:
                apply_errors(note_form, exc)
            else:
                messages.success(request, "Note added to the review.")
                return redirect("opportunities:review_edit", review.pk)
        status = 400
    elif request.method == "POST":
        form = ReviewForm(request.POST, instance=selectors.get_review_for_user(request.user, pk))
        if form.is_valid():
            try:
                services.review_submit(actor=request.user, review=review, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Review saved. Thank you: the team learns from it.")
                return redirect("opportunities:review_edit", review.pk)
        status = 400
    return render(
        request,
        "opportunities/review_edit.html",
        {
            "review": review,
            "form": form,
            "note_form": note_form,
            "may_note": may_note,
            "may_write": is_owner or may_note,
        },
        status=status,
    )
