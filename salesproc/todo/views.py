"""Pages of tasks: My tasks, add, edit, done, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from salesproc.record_refs import attach_records
from salesproc.registry import get_record_for_user, record_type
from salesproc.view_support import safe_next_url
from salesproc.views import apply_errors

from . import selectors, services
from .forms import TaskForm


@login_required
def my_tasks(request):
    return render(
        request,
        "salesproc/todo/my_tasks.html",
        {
            "buckets": selectors.my_tasks(user=request.user),
            "team_overdue": selectors.team_overdue(user=request.user),
            "bucket_titles": [
                ("overdue", "Overdue"),
                ("today", "Today"),
                ("upcoming", "Upcoming"),
                ("done", "Done"),
            ],
        },
    )


def _record_from_query(request):
    type_name = request.GET.get("record_type") or request.POST.get("record_type") or ""
    record_id = request.GET.get("record_id") or request.POST.get("record_id") or ""
    if not type_name and not record_id:
        return None
    return get_record_for_user(type_name, record_id, request.user)  # 404 when hidden


@login_required
def task_create(request):
    record = _record_from_query(request)
    kind = record_type(request.GET.get("record_type") or request.POST.get("record_type") or "")
    default_next = kind.url(record) if record is not None else reverse("todo:my_tasks")
    next_url = safe_next_url(request, default_next)
    if request.method == "POST":
        form = TaskForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["record_type"] = data.get("record_type") or ""
            try:
                task = services.task_create(actor=request.user, data=data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Task added: {task.title}")
                return redirect(next_url)
    else:
        initial = {}
        if record is not None:
            initial = {"record_type": kind.type, "record_id": record.pk}
        form = TaskForm(initial=initial, user=request.user)
    return render(
        request,
        "salesproc/todo/task_form.html",
        {"form": form, "record": record, "record_kind": kind, "next": next_url},
    )


@login_required
def task_edit(request, pk):
    task = services.get_task_for_user(request.user, pk)
    attach_records([task], user=request.user)
    next_url = safe_next_url(request, reverse("todo:my_tasks"))
    if request.method == "POST":
        form = TaskForm(request.POST, user=request.user)
        form.fields["record_type"].disabled = form.fields["record_id"].disabled = True
        if form.is_valid():
            data = {
                k: v for k, v in form.cleaned_data.items() if k not in ("record_type", "record_id")
            }
            try:
                services.task_update(actor=request.user, task=task, data=data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Task saved.")
                return redirect(next_url)
    else:
        form = TaskForm(
            initial={
                "title": task.title,
                "due_at": task.due_at,
                "owner": task.owner_id,
                "priority": task.priority,
                "notes": task.notes,
            },
            user=request.user,
        )
    return render(
        request, "salesproc/todo/task_form.html", {"form": form, "task": task, "next": next_url}
    )


@login_required
@require_POST
def task_done(request, pk):
    task = services.get_task_for_user(request.user, pk)
    done = request.POST.get("done", "1") != "0"
    services.task_complete(actor=request.user, task=task, done=done)
    if done:
        messages.success(request, f"Done: {task.title}")
    return redirect(safe_next_url(request, reverse("todo:my_tasks")))


@login_required
@require_POST
def task_delete(request, pk):
    task = services.get_task_for_user(request.user, pk)
    services.task_delete(actor=request.user, task=task)
    messages.success(request, f"Task deleted: {task.title}")
    return redirect(safe_next_url(request, reverse("todo:my_tasks")))
