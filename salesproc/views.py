from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import home_cache, lockout, services
from . import recycle_bin as bin_services
from .forms import (
    RoleForm,
    TeamEditForm,
    TeamForm,
    UnlockForm,
    UserAssignForm,
    UserCreateForm,
    UserDeactivateForm,
    UserEditForm,
)
from .handover import open_record_counts
from .models import RecordHandover, SalesRole, Team, User
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
    generation = home_cache.generation()
    for widget in widgets_for(request.user):
        context = home_cache.widget_context(widget, request, generation)
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
    users = User.objects.select_related("team", "role").order_by("-is_active", "username")
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
    """The quick team-and-role form of the people list. A team change for someone with
    open records goes to the person's page, which asks what happens to them."""
    from urllib.parse import urlencode

    user = get_object_or_404(User, pk=pk)
    form = UserAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick an existing team and role.")
        return redirect("team_list")
    team, role = form.cleaned_data["team"], form.cleaned_data["role"]
    changes_team = user.team_id != (team.pk if team else None)
    if changes_team and any(c["count"] for c in open_record_counts(user)):
        messages.info(request, f"Choose what happens to {user.display_name}'s open records.")
        query = urlencode({"team": team.pk if team else "", "role": role.pk if role else ""})
        return redirect(f"{reverse('user_edit', args=[user.pk])}?{query}")
    services.user_assign(actor=request.user, user=user, team=team, role=role)
    messages.success(request, f"{user.display_name} updated.")
    return redirect("team_list")


def _person_context(user):
    return {
        "person": user,
        "open_records": [c for c in open_record_counts(user) if c["count"]],
        "handover": RecordHandover.objects.filter(from_user=user).select_related("to_user").first(),
    }


@login_required
@admin_required
def user_edit(request, pk):
    user = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        form = UserEditForm(request.POST, person=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_assign(
                    actor=request.user,
                    user=user,
                    team=data["team"],
                    role=data["role"],
                    records=data.get("records") or None,
                    reassign_to=data.get("reassign_to"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{user.display_name} updated.")
                return redirect("user_edit", pk=user.pk)
    else:
        initial = {"team": user.team_id, "role": user.role_id}
        for key in ("team", "role"):
            value = int_or_none(request.GET.get(key))
            if value is not None or request.GET.get(key) == "":
                initial[key] = value
        form = UserEditForm(initial=initial, person=user)
    return render(request, "salesproc/user_edit.html", {"form": form, **_person_context(user)})


@login_required
@admin_required
def user_create(request):
    if request.method == "POST":
        form = UserCreateForm(request.POST)
        if form.is_valid():
            try:
                user = services.user_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{user.display_name} added. They can log in now.")
                return redirect("team_list")
    else:
        form = UserCreateForm()
    return render(request, "salesproc/user_create.html", {"form": form})


@login_required
@admin_required
def user_deactivate(request, pk):
    user = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        form = UserDeactivateForm(request.POST, person=user)
        if form.is_valid():
            try:
                services.user_deactivate(
                    actor=request.user,
                    user=user,
                    records=form.cleaned_data.get("records") or None,
                    reassign_to=form.cleaned_data.get("reassign_to"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{user.display_name} is deactivated: they can no longer log in; "
                    "their history stays readable.",
                )
                return redirect("user_edit", pk=user.pk)
    else:
        form = UserDeactivateForm(person=user)
    return render(
        request, "salesproc/user_deactivate.html", {"form": form, **_person_context(user)}
    )


@login_required
@admin_required
@require_POST
def user_reactivate(request, pk):
    user = get_object_or_404(User, pk=pk)
    services.user_reactivate(actor=request.user, user=user)
    messages.success(request, f"{user.display_name} can log in again.")
    return redirect("user_edit", pk=user.pk)


@login_required
@admin_required
def handover_progress(request, pk):
    handover = get_object_or_404(RecordHandover.objects.select_related("to_user"), pk=pk)
    return render(request, "salesproc/_handover_progress.html", {"handover": handover})


@login_required
@admin_required
def team_edit(request, pk):
    team = get_object_or_404(Team, pk=pk)
    if request.method == "POST":
        form = TeamEditForm(request.POST)
        if form.is_valid():
            try:
                services.team_update(actor=request.user, team=team, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Team “{team.name}” saved.")
                return redirect("team_list")
    else:
        form = TeamEditForm(initial={"name": team.name, "manager": team.manager_id})
    return render(request, "salesproc/team_edit.html", {"form": form, "team": team})


@login_required
@admin_required
def lockout_list(request):
    return render(request, "salesproc/lockout_list.html", {"locks": lockout.current_locks()})


@login_required
@admin_required
@require_POST
def lockout_unlock(request):
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            services.lockout_clear(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            what = form.cleaned_data["username"] or form.cleaned_data["address"]
            messages.success(request, f"Unlocked {what}: they can log in again.")
    return redirect("lockout_list")


@login_required
def notification_list(request):
    """Only shows: reading one (or all) is a POST, so opening the page changes nothing."""
    per_page = NOTIFICATIONS_PER_PAGE
    number = max(1, min(int_or_none(request.GET.get("page")) or 1, 10_000))
    start = (number - 1) * per_page
    # one more row than the page shows says whether there is a next page: no COUNT query
    rows = list(
        request.user.notifications.order_by("-created_at", "-id")[start : start + per_page + 1]
    )
    return render(
        request,
        "salesproc/notifications.html",
        {
            "notifications": rows[:per_page],
            "page_number": number,
            "has_next": len(rows) > per_page,
        },
    )


NOTIFICATIONS_PER_PAGE = 50


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(request.user.notifications, pk=pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_read(user=request.user)
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notifications")


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


# The range of a database integer (64-bit): beyond it no record can match, and SQLite
# refuses to compare (OverflowError).
MAX_DATABASE_INT = 2**63 - 1


def int_or_none(value):
    """A query-string id, or None when it is missing, not a number or out of range."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -MAX_DATABASE_INT <= number <= MAX_DATABASE_INT else None


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
