from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import recycle_bin as bin_services
from . import services
from .forms import RoleForm, TeamForm, UserAssignForm
from .models import SalesRole, Team, User
from .processes import PROCESS_CHOICES
from .registry import registry, widgets_for
from .softdelete import RETENTION_DAYS
from .view_support import admin_required


def apply_errors(form, exc: ValidationError):
    """Show a service's ValidationError on the form that submitted it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


@login_required
def home(request):
    widgets = []
    for widget in widgets_for(request.user):
        context = widget.context(request)
        if context is not None:
            widgets.append({"template": widget.template, "context": context, "key": widget.key})
    return render(request, "salesproc/home.html", {"widgets": widgets})


@login_required
@admin_required
def settings_index(request):
    links = sorted(registry.settings_links, key=lambda s: (s.order, s.label))
    return render(request, "salesproc/settings.html", {"links": links})


@login_required
@admin_required
def role_list(request):
    roles = SalesRole.objects.order_by("name")
    if request.method == "POST":
        form = RoleForm(request.POST)
        if form.is_valid():
            try:
                role = services.role_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    processes=form.cleaned_data["processes"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Role “{role.name}” added.")
                return redirect("role_list")
    else:
        form = RoleForm()
    return render(
        request,
        "salesproc/role_list.html",
        {"roles": roles, "form": form, "process_choices": PROCESS_CHOICES},
    )


@login_required
@admin_required
def role_edit(request, pk):
    role = get_object_or_404(SalesRole, pk=pk)
    if request.method == "POST":
        form = RoleForm(request.POST)
        if form.is_valid():
            try:
                services.role_update(
                    actor=request.user,
                    role=role,
                    name=form.cleaned_data["name"],
                    processes=form.cleaned_data["processes"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Saved. {role.name} now runs: "
                    f"{', '.join(role.process_labels()) or 'no processes'}.",
                )
                return redirect("role_list")
    else:
        form = RoleForm(initial={"name": role.name, "processes": role.process_list()})
    return render(request, "salesproc/role_edit.html", {"role": role, "form": form})


@login_required
@admin_required
def team_list(request):
    if request.method == "POST":
        form = TeamForm(request.POST)
        if form.is_valid():
            try:
                team = services.team_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Team “{team.name}” added.")
                return redirect("team_list")
    else:
        form = TeamForm()
    teams = Team.objects.select_related("manager").order_by("name")
    users = User.objects.filter(is_active=True).select_related("team", "role").order_by("username")
    return render(
        request,
        "salesproc/team_list.html",
        {
            "teams": teams,
            "users": users,
            "form": form,
            "roles": SalesRole.objects.all(),
            "all_teams": teams,
        },
    )


@login_required
@admin_required
@require_POST
def user_assign(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = UserAssignForm(request.POST)
    if form.is_valid():
        services.user_assign(actor=request.user, user=user, **form.cleaned_data)
        messages.success(request, f"{user.display_name} updated.")
    else:
        messages.error(request, "Pick an existing team and role.")
    return redirect("team_list")


@login_required
def notification_list(request):
    notifications = request.user.notifications.all()[:100]
    response = render(
        request, "salesproc/notifications.html", {"notifications": list(notifications)}
    )
    services.notifications_mark_read(user=request.user)
    return response


def healthz(request):
    from django.conf import settings
    from django.core.cache import cache

    from .celery import app

    result = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        result["database"] = "ok"
    except Exception as exc:  # report, don't crash: this is what monitors read
        result["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        result["cache"] = "ok" if cache.get("healthz") == "1" else "error: read back failed"
    except Exception as exc:
        result["cache"] = f"error: {exc.__class__.__name__}"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        result["broker"] = "eager (tasks run in the web process)"
    else:
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            result["broker"] = "ok"
        except Exception as exc:
            result["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" or v.startswith("eager") for v in result.values())
    result["status"] = "ok" if healthy else "degraded"
    return JsonResponse(result, status=200 if healthy else 503)


def int_or_none(value):
    """A query-string id, or None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def recycle_bin(request):
    """What the user deleted (or their team did, for a manager; anyone, for an admin)."""
    entries = bin_services.bin_entries(user=request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request, "salesproc/recycle_bin.html", {"page": page, "retention_days": RETENTION_DAYS}
    )


@login_required
@require_POST
def recycle_bin_restore(request):
    try:
        obj = bin_services.recycle_bin_restore(
            actor=request.user, type=request.POST.get("type", ""), id=request.POST.get("id")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("recycle_bin")
    messages.success(request, f"“{obj}” restored, with everything it had.")
    return redirect(obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "recycle_bin")
