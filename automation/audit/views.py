"""Pages of the time audit: audits, a participant's week, quick entry, the timer, the
report and the admin list of categories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from salesproc import charts
from salesproc.view_support import admin_required, process_required, safe_next_url
from salesproc.views import apply_errors

from . import selectors, services
from .forms import AuditOpenForm, CategoryForm, QuickEntryForm, TimeEntryForm, TimerForm
from .models import AuditCategory, RunningTimer, TimeAudit, TimeAuditParticipant

RECENT_ENTRIES = 12


def _my_open_audits(user):
    today = timezone.localdate()
    return TimeAudit.objects.filter(
        participants__user=user, starts_on__lte=today, ends_on__gte=today
    )


@login_required
@process_required("automation")
def audit_list(request):
    can_open = services.may_open(request.user)
    form = AuditOpenForm(request.POST or None, user=request.user) if can_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            audit = services.audit_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Time audit “{audit.name}” opened.")
            return redirect("automation:audit:audit_list")
    audits = list(
        TimeAudit.objects.visible_to(request.user)
        .select_related("opened_by")
        .order_by("-starts_on", "-id")[:100]
    )
    mine = set(
        TimeAuditParticipant.objects.filter(
            user=request.user, audit__in=[a.pk for a in audits]
        ).values_list("audit_id", flat=True)
    )
    if form is not None and not form.is_bound:
        form.initial = {"starts_on": timezone.localdate(), "name": "Time audit"}
    return render(
        request,
        "automation/audit/audit_list.html",
        {"audits": audits, "mine": mine, "form": form, "can_open": can_open},
    )


@login_required
@process_required("automation")
def week(request, pk):
    audit = services.get_audit_for_user(request.user, pk)
    taking_part = TimeAuditParticipant.objects.filter(audit=audit, user=request.user).exists()
    if not taking_part:
        return redirect("automation:audit:report", pk=audit.pk)
    form = TimeEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_entry_create(
                actor=request.user, data={"audit": audit, **form.cleaned_data}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Time logged.")
            return redirect("automation:audit:week", pk=audit.pk)
    today = timezone.localdate()
    if not form.is_bound:
        form.initial = {"day": today if audit.is_open_on(today) else audit.starts_on}
    mine = audit.entries.filter(user=request.user)
    entries = list(mine.select_related("category").order_by("-day", "-id")[:RECENT_ENTRIES])
    timer = (
        RunningTimer.objects.filter(user=request.user).select_related("category", "audit").first()
    )
    return render(
        request,
        "automation/audit/week.html",
        {
            "audit": audit,
            "grid": selectors.week_grid(user=request.user, audit=audit),
            "form": form,
            "entries": entries,
            "more_entries": max(0, mine.count() - len(entries))
            if len(entries) == RECENT_ENTRIES
            else 0,
            "timer": timer,
            "timer_form": TimerForm(),
            "runs_today": audit.is_open_on(today),
        },
    )


@login_required
@process_required("automation")
@require_POST
def entry_delete(request, pk):
    entry = services.get_entry_for_user(request.user, pk)
    services.time_entry_delete(actor=request.user, entry=entry)
    messages.success(request, "Entry deleted.")
    return redirect("automation:audit:week", pk=entry.audit_id)


@login_required
@process_required("automation")
@require_POST
def timer_start(request, pk):
    audit = services.get_audit_for_user(request.user, pk)
    form = TimerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        services.timer_start(actor=request.user, audit=audit, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Timer started. It keeps running if you leave this page.")
    return redirect(safe_next_url(request, reverse("automation:audit:week", args=[audit.pk])))


@login_required
@process_required("automation")
@require_POST
def timer_stop(request):
    if request.POST.get("action") == "discard":
        services.timer_discard(actor=request.user)
        messages.success(request, "Timer discarded; nothing was logged.")
        return redirect(safe_next_url(request, reverse("automation:audit:audit_list")))
    try:
        entry = services.timer_stop(actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(safe_next_url(request, reverse("automation:audit:audit_list")))
    messages.success(request, f"Logged {entry.minutes} min of {entry.category}.")
    return redirect(safe_next_url(request, reverse("automation:audit:week", args=[entry.audit_id])))


@login_required
@process_required("automation")
def quick_entry(request):
    """The small dialog every page opens ("Log time"): a dialog fragment with htmx, a
    page without JavaScript."""
    audits = _my_open_audits(request.user)
    form = QuickEntryForm(request.POST or None, audits=audits)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_entry_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Time logged.")
            return redirect(safe_next_url(request, reverse("automation:audit:audit_list")))
    if not form.is_bound and audits[:1]:
        form.initial["audit"] = audits[0].pk
    context = {
        "form": form,
        "has_audit": audits.exists(),
        "timer": RunningTimer.objects.filter(user=request.user).select_related("category").first(),
        "next": safe_next_url(request, reverse("automation:audit:audit_list")),
    }
    template = (
        "automation/audit/_quick_entry.html"
        if request.htmx
        else "automation/audit/quick_entry.html"
    )
    return render(request, template, context)


def _report_context(request, audit):
    report = selectors.audit_report(user=request.user, audit=audit)
    context = {
        "report": report,
        "category_chart": charts.bar_chart(
            [(c["name"], c["hours"]) for c in report["categories"]], title="Hours per category"
        ),
        "candidate_chart": charts.bar_chart(
            [(c["name"], c["score"]) for c in report["candidates"]],
            title="Automation candidates (hours × people)",
        ),
    }
    compare_id = request.GET.get("compare")
    others = TimeAudit.objects.visible_to(request.user).exclude(pk=audit.pk).order_by("-starts_on")
    context["others"] = others
    if compare_id:
        try:
            other = others.get(pk=compare_id)
        except (TimeAudit.DoesNotExist, ValueError, TypeError):
            messages.error(request, "No such audit to compare with.")
        else:
            before, after = sorted([other, audit], key=lambda a: (a.starts_on, a.pk))
            context["compare"] = other
            context["before"], context["after"] = before, after
            before_report = (
                report
                if before == audit
                else selectors.audit_report(user=request.user, audit=before)
            )
            after_report = (
                report if after == audit else selectors.audit_report(user=request.user, audit=after)
            )
            context["comparison"] = selectors.audit_comparison(
                before=before_report, after=after_report
            )
    return context


@login_required
@process_required("automation")
def report(request, pk):
    audit = services.get_audit_for_user(request.user, pk)
    return render(request, "automation/audit/report.html", _report_context(request, audit))


@login_required
@admin_required
def category_list(request):
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Category “{category.name}” added.")
            return redirect("automation:audit:category_list")
    return render(
        request,
        "automation/audit/categories.html",
        {"categories": AuditCategory.objects.all(), "form": form},
    )


@login_required
@admin_required
def category_edit(request, pk):
    from django.shortcuts import get_object_or_404

    category = get_object_or_404(AuditCategory, pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(
                actor=request.user,
                category=AuditCategory.objects.get(pk=pk),
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Category saved.")
            return redirect("automation:audit:category_list")
    return render(
        request, "automation/audit/category_edit.html", {"category": category, "form": form}
    )
