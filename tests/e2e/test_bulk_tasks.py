"""The "Add a task" bulk action in a real browser: the bar shows the task's own fields,
the reassign action's owner (same name) is left out, and each selected lead gets a task."""

from playwright.sync_api import expect

from salesproc.todo.models import Task
from tests.factories import LeadFactory


def test_a_manager_adds_a_task_to_the_selected_leads(page, live_server, login, manager, rep):
    picked = [LeadFactory(owner=rep, last_name=f"Picked{i}") for i in range(2)]
    kept = LeadFactory(owner=rep, last_name="Kept")
    login(page, live_server, manager.username)
    page.goto(f"{live_server.url}/leads/")

    bar = page.locator("#bulk-lead")
    for lead in picked:
        page.get_by_label(f"Select {lead}").check()
    expect(bar.get_by_text("2 selected")).to_be_visible()
    bar.get_by_label("Action").select_option(label="Add a task")
    expect(bar.get_by_label("New owner")).to_be_hidden()
    bar.get_by_label("Task").fill("Send the brochure")
    bar.get_by_label("Due").fill("2026-12-04T09:30")
    bar.get_by_label("Priority").select_option(label="High")
    expect(bar.get_by_label("For")).to_have_value(str(manager.pk))
    bar.get_by_label("For").select_option(label=rep.display_name)
    bar.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("heading", name="Add a task")).to_be_visible()
    expect(page.get_by_role("heading", name="Done (2)")).to_be_visible()
    tasks = Task.objects.filter(record_type="lead")
    assert sorted(t.record_id for t in tasks) == sorted(p.pk for p in picked)
    assert {(t.title, t.priority, t.owner_id) for t in tasks} == {
        ("Send the brochure", "high", rep.pk)
    }
    assert not tasks.filter(record_id=kept.pk).exists()
