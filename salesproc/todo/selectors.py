"""Reads of tasks: My tasks, the team's overdue tasks, a record's tasks, the calendar."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from salesproc.models import User
from salesproc.record_refs import attach_records

from .models import Task

BUCKET_LIMIT = 50


def _day_bounds(today=None):
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(today, time.min), tz)
    return start, start + timedelta(days=1)


def bucket_conditions(now=None):
    now = now or timezone.now()
    start, end = _day_bounds(timezone.localdate(now))
    return {
        "overdue": Q(done=False, due_at__lt=now),
        "today": Q(done=False, due_at__gte=now, due_at__lt=end),
        "upcoming": Q(done=False) & (Q(due_at__gte=end) | Q(due_at__isnull=True)),
        "done": Q(done=True),
    }


def my_tasks(*, user: User, now=None, limit=BUCKET_LIMIT) -> dict:
    """The user's own tasks in four buckets (overdue, today, upcoming, done), each cut at
    `limit`, with every bucket's full count from one aggregate."""
    conditions = bucket_conditions(now)
    base = Task.objects.filter(owner=user)
    counts = base.aggregate(**{key: Count("id", filter=cond) for key, cond in conditions.items()})
    buckets = {}
    for key, condition in conditions.items():
        order = ["-done_at", "-id"] if key == "done" else ["due_at", "-priority", "id"]
        rows = list(base.filter(condition).order_by(*order)[:limit]) if counts[key] else []
        buckets[key] = {"tasks": rows, "count": counts[key]}
    attach_records([t for b in buckets.values() for t in b["tasks"]], user=user)
    return buckets


def team_overdue(*, user: User, now=None, limit=BUCKET_LIMIT):
    """A manager's team's overdue tasks (not their own), oldest first; None for others."""
    if not (user.managed_team_ids or user.is_crm_admin):
        return None
    now = now or timezone.now()
    qs = (
        Task.objects.visible_to(user)
        .filter(done=False, due_at__lt=now)
        .exclude(owner=user)
        .select_related("owner")
    )
    if not user.is_crm_admin:
        qs = qs.filter(owner__team_id__in=user.managed_team_ids)
    count = qs.count()
    rows = list(qs.order_by("due_at", "id")[:limit]) if count else []
    attach_records(rows, user=user)
    return {"tasks": rows, "count": count}


def record_tasks(*, user: User, record_type: str, record_id: int, limit=BUCKET_LIMIT):
    """Open tasks on one record the user may see, then the last few done ones."""
    qs = Task.objects.visible_to(user).filter(record_type=record_type, record_id=record_id)
    open_tasks = list(
        qs.filter(done=False).select_related("owner").order_by("due_at", "id")[:limit]
    )
    done = list(qs.filter(done=True).select_related("owner").order_by("-done_at", "-id")[:5])
    return {"open": open_tasks, "done": done}


def widget_figures(*, user: User, now=None) -> dict:
    conditions = bucket_conditions(now)
    base = Task.objects.filter(owner=user)
    counts = base.aggregate(
        overdue=Count("id", filter=conditions["overdue"]),
        today=Count("id", filter=conditions["today"]),
    )
    upcoming = list(
        base.filter(conditions["overdue"] | conditions["today"]).order_by("due_at", "id")[:5]
    )
    return {**counts, "next_tasks": upcoming}


def calendar_tasks(*, user: User, since_days=30):
    """Open tasks with a due time for the user's calendar feed, from a month back on."""
    since = timezone.now() - timedelta(days=since_days)
    return Task.objects.filter(owner=user, done=False, due_at__gte=since).order_by("due_at", "id")


def calendar_items(*, user: User, link=None, since_days=30) -> list[dict]:
    """The user's open tasks as calendar entries: uid, start, end, summary, description,
    url, updated (the feed of a higher app writes them out)."""
    items = []
    for task in calendar_tasks(user=user, since_days=since_days):
        url = link(task) if link else ""
        description = [f"Priority: {task.get_priority_display()}"]
        if task.notes:
            description.append(task.notes)
        if url:
            description.append(url)
        items.append(
            {
                "uid": f"task-{task.pk}",
                "start": task.due_at,
                "end": task.due_at + timedelta(minutes=15),
                "summary": f"Task: {task.title}",
                "description": "\n".join(description),
                "url": url,
                "updated": task.updated_at,
            }
        )
    return items
