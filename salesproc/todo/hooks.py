"""What tasks add to the shell: navigation, the home widget, the record panel, events."""

from salesproc.registry import (
    EventType,
    NavItem,
    Panel,
    QuickCreate,
    Widget,
    record_type_of,
    register_event_types,
    register_nav,
    register_panel,
    register_quick_create,
    register_widget,
)

from . import bulk, selectors


def tasks_widget(request):
    return selectors.widget_figures(user=request.user)


def tasks_panel(request, obj):
    kind = record_type_of(obj)
    if kind is None:
        return None
    return {
        "tasks": selectors.record_tasks(user=request.user, record_type=kind.type, record_id=obj.pk),
        "record_type": kind.type,
        "record_id": obj.pk,
    }


def task_prefill(record_type, obj):
    """A task on the page's record (the task page takes ?record_type=&record_id=)."""
    return {"record_type": record_type, "record_id": obj.pk}


def register():
    bulk.register()
    register_quick_create(
        QuickCreate("task", "Task", "todo:task_create", prefill=task_prefill, order=60)
    )
    register_nav(NavItem("Tasks", "todo:my_tasks", order=5, active_prefix="/tasks/"))
    register_widget(
        Widget("todo.my_tasks", "salesproc/todo/_widget_tasks.html", tasks_widget, order=5)
    )
    register_panel(
        Panel("*", "todo.tasks", "salesproc/todo/_tasks_panel.html", tasks_panel, order=80)
    )
    example = {
        "title": "Send the proposal",
        "owner": 3,
        "due_at": "2026-12-02T10:00:00+00:00",
        "record_type": "deal",
        "record_id": 12,
    }
    register_event_types(
        EventType("task.created", "A task was added (on a record or on none).", "", example),
        EventType(
            "task.updated",
            "A task's title, due time, owner, priority or notes changed.",
            "",
            {"changes": {"due_at": ["2026-12-02 10:00", "2026-12-03 10:00"]}},
        ),
        EventType(
            "task.completed", "A task was marked done.", "", {"changes": {"done": [False, True]}}
        ),
        EventType(
            "task.reopened",
            "A done task was opened again.",
            "",
            {"changes": {"done": [True, False]}},
        ),
        EventType("task.deleted", "A task was deleted.", "", {"title": "Send the proposal"}),
    )
