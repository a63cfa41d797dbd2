"""Pages of scheduled reports: my subscriptions, subscribe, edit, delete, the one-click
unsubscribe from an email (no login), and the CSV export of any registered report."""

import zoneinfo
from datetime import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from salesproc.access import get_visible_or_404
from salesproc.exports import cell, stream_csv
from salesproc.registry import report, reports_for
from salesproc.views import apply_errors

from . import selectors, services
from .forms import SubscriptionForm, TimeZoneForm
from .models import ReportSubscription


def _report_or_404(user, key):
    item = services.report_for_user(user=user, key=key)
    if item is None:
        raise Http404("No such report.")
    return item


@login_required
def subscription_list(request):
    subscriptions = selectors.subscriptions_for(user=request.user)
    return render(
        request,
        "automation/reports/subscriptions.html",
        {
            "mine": [s for s in subscriptions if s.owner_id == request.user.pk],
            "team": [s for s in subscriptions if s.owner_id != request.user.pk],
            "reports": reports_for(request.user),
            "zone_form": TimeZoneForm(initial={"time_zone": request.user.time_zone}),
            "zone_name": request.user.zone.key,
            "zones": sorted(zoneinfo.available_timezones()),
        },
    )


@login_required
@require_POST
def time_zone(request):
    form = TimeZoneForm(request.POST)
    if form.is_valid():
        try:
            services.owner_time_zone_set(
                actor=request.user, time_zone=form.cleaned_data["time_zone"]
            )
            messages.success(request, "Time zone saved: your reports go at your times there.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("automation:reports:list")


def _save(request, form, save):
    if not form.is_valid():
        return None
    try:
        return save(params=form.params(), **form.schedule())
    except ValidationError as exc:
        apply_errors(form, exc)  # param errors ("Rep: ...") go above the fields
        return None


@login_required
def subscribe(request):
    key = request.POST.get("report") or request.GET.get("report", "")
    item = _report_or_404(request.user, key)
    sees_others = request.user.is_manager or request.user.is_crm_admin
    initial = {
        "frequency": ReportSubscription.Frequency.WEEKLY,
        "weekday": 0,
        "send_time": time(7, 30),
        # a manager's report (coaching, balance) is about the team unless narrowed
        "scope": "team" if sees_others and (item.manager_only or not item.owner_param) else "mine",
        **{p.name: request.GET.get(p.name, p.default) for p in item.params},
    }
    form = SubscriptionForm(request.POST or None, report=item, user=request.user, initial=initial)
    if request.method == "POST":
        subscription = _save(
            request,
            form,
            lambda **fields: services.subscription_create(
                actor=request.user, report_key=item.key, **fields
            ),
        )
        if subscription is not None:
            when = timezone.localtime(subscription.next_send_at, request.user.zone)
            messages.success(
                request, f"Subscribed to {item.title}. First email: {when:%a %d %b %Y, %H:%M}."
            )
            return redirect("automation:reports:list")
    return render(
        request,
        "automation/reports/subscribe.html",
        {"form": form, "item": item, "subscription": None},
        status=400 if form.errors else 200,
    )


@login_required
def subscription_edit(request, pk):
    subscription = get_visible_or_404(ReportSubscription.objects, request.user, pk)
    item = _report_or_404(subscription.owner, subscription.report_key)
    initial = {
        **{
            name: getattr(subscription, name)
            for name in (
                "scope",
                "frequency",
                "send_time",
                "weekday",
                "day_of_month",
                "starts_on",
                "is_active",
            )
        },
        **subscription.params,
    }
    form = SubscriptionForm(
        request.POST or None,
        report=item,
        user=subscription.owner,
        initial=initial,
        editing=True,
    )
    if request.method == "POST":
        saved = _save(
            request,
            form,
            lambda **fields: services.subscription_update(
                actor=request.user,
                subscription=subscription,
                is_active=form.cleaned_data.get("is_active", False),
                **fields,
            ),
        )
        if saved is not None:
            messages.success(request, f"Subscription to {item.title} saved.")
            return redirect("automation:reports:list")
    return render(
        request,
        "automation/reports/subscribe.html",
        {"form": form, "item": item, "subscription": subscription},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def subscription_delete(request, pk):
    subscription = get_visible_or_404(ReportSubscription.objects, request.user, pk)
    services.subscription_delete(actor=request.user, subscription=subscription)
    messages.success(request, "Subscription deleted.")
    return redirect("automation:reports:list")


@csrf_exempt  # the signed link is the credential; mail clients POST it (RFC 8058)
def unsubscribe(request, token):
    """One click from the email: no login, only the subscription the link names."""
    subscription = services.subscription_from_token(token)
    if subscription is None:
        return render(request, "automation/reports/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.subscription_unsubscribe(subscription=subscription)
        done = True
    item = report(subscription.report_key)
    return render(
        request,
        "automation/reports/unsubscribe.html",
        {
            "subscription": subscription,
            "title": item.title if item else subscription.report_key,
            "done": done or not subscription.is_active,
        },
    )


@login_required
def export(request, key):
    """A registered report as CSV, with the filters of the page it was opened from."""
    item = _report_or_404(request.user, key)
    try:
        params = services.check_params(user=request.user, item=item, params=request.GET)
        columns, rows = services.run_report(item=item, user=request.user, params=params)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("automation:reports:list")
    filename = f"{item.key}-{timezone.localdate():%Y-%m-%d}"
    return stream_csv(_with_heading(columns, rows), filename=filename)


def _with_heading(columns, rows):
    yield columns
    for row in rows:
        yield [cell(value) for value in row]
