"""Writes of tasks: create, change, complete, delete, and the due-time reminders."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from salesproc.access import get_visible_or_404
from salesproc.events import record_event
from salesproc.models import User
from salesproc.registry import get_record_for_user
from salesproc.services import apply_changes, check_owner, notify

from .models import Task

FIELDS = ["title", "due_at", "owner", "priority", "notes", "done"]
REMINDER_BATCH = 500


def task_owner_check(*, actor: User, owner: User | None):
    """Who may be given a task by the actor (ValidationError on `owner` otherwise)."""
    check_owner(actor=actor, owner=owner, records="tasks")


def _clean(data, *, actor):
    errors = {}
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            errors["title"] = "Say what is to be done."
        elif len(data["title"]) > 200:
            errors["title"] = "Keep the title under 200 characters."
    if "priority" in data and data["priority"] not in Task.Priority.values:
        errors["priority"] = "Choose low, normal or high."
    if "notes" in data:
        data["notes"] = (data["notes"] or "").strip()
        if len(data["notes"]) > 10000:
            errors["notes"] = "Keep the notes under 10,000 characters."
    if "owner" in data:
        try:
            task_owner_check(actor=actor, owner=data["owner"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return data


def _record(*, actor, record_type, record_id):
    """The record a task goes on, checked for the actor (404 if they may not see it)."""
    if not record_type and record_id in (None, ""):
        return None
    if not record_type or record_id in (None, ""):
        raise ValidationError(
            {"record_type": "Give both the record's type and its id, or neither."}
        )
    return get_record_for_user(record_type, record_id, actor)


def _summary_record(task, record):
    return f" on {record}" if record is not None else ""


@transaction.atomic
def task_create(*, actor: User, data: dict) -> Task:
    data = dict(data)
    record = _record(
        actor=actor, record_type=data.pop("record_type", ""), record_id=data.pop("record_id", None)
    )
    data.setdefault("owner", actor)
    data.setdefault("priority", Task.Priority.NORMAL)
    data = _clean(data, actor=actor)
    if "title" not in data:
        raise ValidationError({"title": "Say what is to be done."})
    from salesproc.registry import record_type_of

    task = Task(created_by=actor, **{k: v for k, v in data.items() if k in FIELDS})
    if record is not None:
        task.record_type, task.record_id = record_type_of(record).type, record.pk
    if task.done:
        task.done_at = timezone.now()
    task.save()
    record_event(
        subject=task,
        name="task.created",
        actor=actor,
        summary=f"Task: {task.title}{_summary_record(task, record)}",
        data={
            "title": task.title,
            "owner": task.owner_id,
            "due_at": task.due_at.isoformat() if task.due_at else None,
            "record_type": task.record_type,
            "record_id": task.record_id,
        },
        also=[record],
    )
    if task.owner_id != actor.pk:
        notify(
            recipient=task.owner,
            text=f"{actor.display_name} gave you a task: {task.title}",
            url=task.get_absolute_url(),
            key=f"task-given-{task.pk}",
            kind="other",
        )
    return task


def get_task_for_user(user, pk, *, for_write=False):
    return get_visible_or_404(Task.objects.select_related("owner"), user, pk, for_write=for_write)


def _task_record(task, actor):
    from salesproc.registry import record_type

    if not task.record_type:
        return None
    kind = record_type(task.record_type)
    return kind.visible(actor).filter(pk=task.record_id).first() if kind else None


@transaction.atomic
def task_update(*, actor: User, task: Task, data: dict) -> Task:
    task = get_task_for_user(actor, task.pk, for_write=True)
    data = {k: v for k, v in dict(data).items() if k in FIELDS}
    if data.get("owner") is not None and data["owner"].pk == task.owner_id:
        data.pop("owner")  # keeping the owner needs no right to give tasks
    data = _clean(data, actor=actor)
    due_before = task.due_at
    changes = apply_changes(task, FIELDS, data)
    if not changes:
        return task
    if "done" in changes:
        task.done_at = timezone.now() if task.done else None
    if "due_at" in changes and task.due_at != due_before:
        task.reminded_at = None  # a new due time gets its own reminder
    task.save()
    record = _task_record(task, actor)
    name = "task.updated"
    if set(changes) == {"done"}:
        name = "task.completed" if task.done else "task.reopened"
    record_event(
        subject=task,
        name=name,
        actor=actor,
        summary={
            "task.completed": f"Task done: {task.title}",
            "task.reopened": f"Task reopened: {task.title}",
        }.get(name, f"Task changed: {task.title}"),
        data={"changes": changes},
        also=[record],
    )
    return task


def task_complete(*, actor: User, task: Task, done: bool = True) -> Task:
    return task_update(actor=actor, task=task, data={"done": done})


@transaction.atomic
def task_delete(*, actor: User, task: Task) -> None:
    task = get_task_for_user(actor, task.pk, for_write=True)
    record = _task_record(task, actor)
    record_event(
        subject=task,
        name="task.deleted",
        actor=actor,
        summary=f"Task deleted: {task.title}",
        data={"title": task.title},
        also=[record],
    )
    task.delete()


def due_reminder_ids(*, now=None, batch=REMINDER_BATCH) -> list[int]:
    now = now or timezone.now()
    return list(
        Task.objects.filter(done=False, reminded_at__isnull=True, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:batch]
    )


def task_remind(*, task_id: int, now=None) -> bool:
    """Send one task's reminder, once: the conditional UPDATE of reminded_at is the
    claim (a second run or a concurrent worker claims nothing), and the notification's
    key (task and due time) makes even a lost claim notify once."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Task.objects.filter(
            pk=task_id, done=False, reminded_at__isnull=True, due_at__lte=now
        ).update(reminded_at=now)
        if not claimed:
            return False
        task = Task.objects.select_related("owner").get(pk=task_id)
        notify(
            recipient=task.owner,
            text=f"Task due: {task.title}",
            url=task.get_absolute_url(),
            key=f"task-due-{task.pk}-{task.due_at:%Y%m%dT%H%M%S}",
            kind="task_due",
        )
    return True


def task_reminders_send(*, now=None) -> int:
    """Every reminder due by now (the beat task runs this each minute)."""
    now = now or timezone.now()
    return sum(task_remind(task_id=pk, now=now) for pk in due_reminder_ids(now=now))
