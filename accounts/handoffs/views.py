from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from salesproc.views import apply_errors

from . import selectors, services
from .forms import AssignForm, CommentForm, DebriefForm
from .models import DEBRIEF_FIELDS, Handoff


@login_required
def handoff_list(request):
    """Handoffs from or to me (or my team's, for a manager), and those overdue."""
    status = request.GET.get("status", "")
    scope = request.GET.get("scope", "" if request.user.is_manager else "mine")
    queryset = selectors.handoff_list(user=request.user, status=status, scope=scope)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    overdue = []
    if request.user.is_manager or request.user.is_crm_admin:
        overdue = list(
            selectors.overdue_handoffs(user=request.user, today=timezone.localdate())[:10]
        )
    return render(
        request,
        "accounts/handoffs/list.html",
        {"page": page, "overdue": overdue, "statuses": Handoff.Status.choices},
    )


def _page(request, handoff, *, status=200, debrief_form=None, comment_form=None, assign_form=None):
    may_write = selectors.may_write_debrief(request.user, handoff)
    may_assign = (
        selectors.may_assign(request.user, handoff) and handoff.status != Handoff.Status.ACCEPTED
    )
    return render(
        request,
        "accounts/handoffs/detail.html",
        {
            "handoff": handoff,
            "account": handoff.account,
            "may_write": may_write and handoff.status != Handoff.Status.ACCEPTED,
            "may_accept": selectors.may_accept(request.user, handoff),
            "debrief": [(label, getattr(handoff, name)) for name, label in DEBRIEF_FIELDS],
            "debrief_form": debrief_form
            or DebriefForm(initial={name: getattr(handoff, name) for name, _ in DEBRIEF_FIELDS}),
            "comment_form": comment_form or CommentForm(),
            "may_assign": may_assign,
            "assign_form": assign_form
            or (
                AssignForm(user=request.user, initial={"to_user": handoff.to_user_id})
                if may_assign
                else None
            ),
            "comments": handoff.comments.select_related("author"),
        },
        status=status,
    )


@login_required
def handoff_detail(request, pk):
    handoff = selectors.get_handoff_for_user(request.user, pk)
    if request.method != "POST":
        return _page(request, handoff)
    form = DebriefForm(request.POST)
    form.is_valid()
    try:
        services.handoff_update_debrief(
            actor=request.user, handoff=handoff, debrief=services.Debrief(**form.cleaned_data)
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _page(request, handoff, status=400, debrief_form=form)
    messages.success(request, "Debrief saved.")
    return redirect(handoff)


@login_required
@require_POST
def handoff_submit(request, pk):
    handoff = selectors.get_handoff_for_user(request.user, pk)
    try:
        services.handoff_submit(actor=request.user, handoff=handoff)
    except ValidationError as exc:
        form = DebriefForm(initial={name: getattr(handoff, name) for name, _ in DEBRIEF_FIELDS})
        form.is_bound = False
        messages.error(request, " ".join(exc.messages))
        return _page(request, handoff, status=400, debrief_form=form)
    messages.success(request, "Debrief submitted to the account manager.")
    return redirect(handoff)


@login_required
@require_POST
def handoff_comment(request, pk):
    handoff = selectors.get_handoff_for_user(request.user, pk)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        services.handoff_comment(
            actor=request.user, handoff=handoff, text=form.cleaned_data.get("text", "")
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _page(request, handoff, status=400, comment_form=form)
    return redirect(f"{handoff.get_absolute_url()}#comments")


@login_required
@require_POST
def handoff_accept(request, pk):
    handoff = selectors.get_handoff_for_user(request.user, pk)
    try:
        services.handoff_accept(actor=request.user, handoff=handoff)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _page(request, handoff, status=400)
    messages.success(request, f"You are now the account manager of {handoff.account.name}.")
    return redirect(handoff)


@login_required
@require_POST
def handoff_assign(request, pk):
    """A manager names the account manager the handoff goes to."""
    handoff = selectors.get_handoff_for_user(request.user, pk)
    form = AssignForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.handoff_assign(
                actor=request.user, handoff=handoff, to_user=form.cleaned_data["to_user"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"The handoff goes to {form.cleaned_data['to_user'].display_name}."
            )
            return redirect(handoff)
    return _page(request, handoff, status=400, assign_form=form)
