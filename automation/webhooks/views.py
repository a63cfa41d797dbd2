"""Settings -> Webhooks (admins): the subscriptions, one's settings and delivery log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from salesproc.view_support import admin_required

from . import services
from .forms import WebhookForm
from .models import Webhook, WebhookAttempt, WebhookDelivery

_SECRET_KEY = "webhook_secret_{}"


def _apply_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


def _data(form):
    return dict(form.cleaned_data)


@login_required
@admin_required
def webhook_list(request):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hook = services.webhook_create(actor=request.user, data=_data(form))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            request.session[_SECRET_KEY.format(hook.pk)] = hook.secret
            messages.success(request, "Webhook added. Copy its secret now: it is shown only once.")
            return redirect("automation:webhooks:detail", hook.pk)
    hooks = Webhook.objects.select_related("owner").annotate(
        delivered=Count("deliveries", filter=Q(deliveries__status="delivered")),
        failed=Count("deliveries", filter=Q(deliveries__status="failed")),
        waiting=Count("deliveries", filter=Q(deliveries__status__in=["pending", "sending"])),
        last_at=Max("deliveries__created_at"),
    )
    return render(request, "automation/webhooks/list.html", {"hooks": hooks, "form": form})


@login_required
@admin_required
def webhook_detail(request, pk):
    hook = get_object_or_404(Webhook.objects.select_related("owner"), pk=pk)
    initial = {
        "url": hook.url,
        "events": ", ".join(hook.events),
        "description": hook.description,
        "active": hook.active,
    }
    form = WebhookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(actor=request.user, webhook=hook, data=_data(form))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Webhook saved.")
            return redirect("automation:webhooks:detail", hook.pk)
    deliveries = (
        WebhookDelivery.objects.filter(webhook=hook)
        .order_by("-created_at", "-id")
        .prefetch_related(Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("-number")))
    )
    status = request.GET.get("status", "")
    if status in WebhookDelivery.Status.values:
        deliveries = deliveries.filter(status=status)
    else:
        status = ""
    page = Paginator(deliveries, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "automation/webhooks/detail.html",
        {
            "hook": hook,
            "form": form,
            "page": page,
            "status": status,
            "statuses": WebhookDelivery.Status.choices,
            "new_secret": request.session.pop(_SECRET_KEY.format(hook.pk), None),
            "signing_secrets": len(services.signing_secrets(hook)),
        },
    )


@login_required
@admin_required
@require_POST
def webhook_rotate(request, pk):
    hook = get_object_or_404(Webhook, pk=pk)
    hook = services.webhook_rotate_secret(actor=request.user, webhook=hook)
    request.session[_SECRET_KEY.format(hook.pk)] = hook.secret
    messages.success(request, "New secret made. The old one keeps signing for 24 hours.")
    return redirect("automation:webhooks:detail", hook.pk)


@login_required
@admin_required
@require_POST
def webhook_ping(request, pk):
    hook = get_object_or_404(Webhook, pk=pk)
    services.webhook_ping(actor=request.user, webhook=hook)
    messages.success(request, "Test event queued: it shows in the log below in a moment.")
    return redirect("automation:webhooks:detail", hook.pk)


@login_required
@admin_required
@require_POST
def webhook_delete(request, pk):
    hook = get_object_or_404(Webhook, pk=pk)
    services.webhook_delete(actor=request.user, webhook=hook)
    messages.success(request, f"Webhook {hook.url} deleted.")
    return redirect("automation:webhooks:list")


@login_required
@admin_required
@require_POST
def delivery_redeliver(request, pk):
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.delivery_redeliver(actor=request.user, delivery=delivery)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{delivery.event_name} will be sent again.")
    return redirect("automation:webhooks:detail", delivery.webhook_id)
