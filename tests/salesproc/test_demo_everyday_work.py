"""The demo seeder of tasks, notes and saved views: on demo records, once."""

import pytest

from salesproc.demo import seed_people
from salesproc.models import Note, SavedView, Task
from salesproc.todo import demo
from tests.factories import DealFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_it_seeds_tasks_notes_and_views_once():
    users = seed_people()
    DealFactory(owner=users["rep1"])
    LeadFactory(owner=users["rep1"])
    demo.seed()
    counts = (Task.objects.count(), Note.objects.count(), SavedView.objects.count())
    demo.seed()
    assert counts == (len(demo.TASKS), 3, 2)
    assert (Task.objects.count(), Note.objects.count(), SavedView.objects.count()) == counts
    assert Task.objects.filter(record_type="deal").exists()
    assert SavedView.objects.get(name="Biggest open deals").team == users["manager1"].team
    mention = Note.objects.get(body__startswith="@manager1")
    assert mention.mentions["notified"] == ["manager1"]
