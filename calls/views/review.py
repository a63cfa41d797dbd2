"""The manager's side: the queue of calls waiting for a review, and the review page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from calls import selectors, services
from calls.forms import CallReviewForm, ratings
from salesproc.view_support import manager_required, process_required
from salesproc.views import apply_errors

from .support import show_errors


@login_required
@process_required("calls")
@manager_required
def review_queue(request):
    queue = list(selectors.review_queue(user=request.user)[:200])
    return render(request, "calls/review_queue.html", {"queue": queue, "now": timezone.now()})


@login_required
@process_required("calls")
def call_review(request, pk):
    request.nav_section = "calls:review_queue"
    call = selectors.get_call_for_user(request.user, pk)
    try:
        services.require_reviewable(request.user, call)
    except (ValidationError, PermissionDenied) as exc:
        show_errors(request, exc)
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
                ratings=ratings(data),
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
            "queue_size": selectors.awaiting_my_review(user=request.user).count(),
        },
    )
