"""Demo data of the everyday-work features: tasks, notes with a mention, a saved view.

Idempotent: each piece is looked up by its text before it is made.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from salesproc.events import acting_via
from salesproc.models import User
from salesproc.registry import DemoSeeder, record_type, register_demo

TASKS = [
    # username, title, due in hours (None: no due time), priority, record type, done
    ("rep1", "Send the revised proposal", -26, "high", "deal", False),
    ("rep1", "Call back about the pilot budget", 3, "normal", "lead", False),
    ("rep1", "Book the demo with IT", 30, "normal", "deal", False),
    ("rep1", "Update the win/loss notes", 72, "low", None, False),
    ("rep1", "Confirm the reference call", -50, "normal", "lead", True),
    ("rep2", "Chase the signed order form", -5, "high", "deal", False),
    ("rep2", "Prepare the quarterly review deck", 48, "normal", None, False),
    ("manager1", "Coaching session with Ravi", 20, "normal", None, False),
]


def _first(user, type_name, offset=0):
    kind = record_type(type_name)
    if kind is None or (kind.process and not user.runs(kind.process)):
        return None
    return kind.visible(user).filter(owner=user).order_by("pk")[offset : offset + 1].first()


@transaction.atomic
def seed(*, stdout=None):
    from salesproc.notes.models import Note
    from salesproc.notes.services import note_create
    from salesproc.saved_views.models import SavedView
    from salesproc.saved_views.services import saved_view_create

    from .models import Task
    from .services import task_create

    users = {u.username: u for u in User.objects.filter(username__in=["rep1", "rep2", "manager1"])}
    if len(users) < 3:
        return
    now = timezone.now().replace(second=0, microsecond=0)
    made = 0
    with acting_via("system"):
        for n, (username, title, hours, priority, type_name, done) in enumerate(TASKS):
            owner = users[username]
            if Task.objects.filter(owner=owner, title=title).exists():
                continue
            record = _first(owner, type_name, n % 2) if type_name else None
            data = {
                "title": title,
                "due_at": now + timedelta(hours=hours) if hours is not None else None,
                "priority": priority,
                "owner": owner,
                "record_type": type_name if record is not None else "",
                "record_id": record.pk if record is not None else None,
                "done": done,
            }
            task_create(actor=owner, data=data)
            made += 1
        rep1, rep2 = users["rep1"], users["rep2"]
        lead = _first(rep1, "lead")
        deal = _first(rep1, "deal")
        notes = 0
        for record, type_name, author, body, pinned in (
            (
                deal,
                "deal",
                rep1,
                "**Decision by end of month.** Budget is approved; legal wants the DPA first.\n\n"
                "- Champion: the head of operations\n- Risk: a competitor's pilot is running",
                True,
            ),
            (
                deal,
                "deal",
                rep1,
                "@manager1 can you join the pricing call on Thursday?",
                False,
            ),
            (
                lead,
                "lead",
                rep1,
                "Met at the trade fair; asked for a case study in logistics.",
                False,
            ),
        ):
            if record is None or Note.objects.filter(body=body).exists():
                continue
            note_create(
                actor=author, record_type=type_name, record_id=record.pk, body=body, pinned=pinned
            )
            notes += 1
        views = 0
        manager = users["manager1"]
        for owner, list_key, name, params, shared in (
            (rep1, "leads", "Hot leads", {"min_score": ["60"], "sort": ["-score"]}, False),
            (
                manager,
                "deals",
                "Biggest open deals",
                {"status": ["open"], "sort": ["-amount"]},
                True,
            ),
        ):
            if SavedView.objects.filter(owner=owner, list_key=list_key, name=name).exists():
                continue
            if list_key == "leads" and not owner.runs("leads"):
                continue
            saved_view_create(
                actor=owner, list_key=list_key, name=name, params=params, shared=shared
            )
            views += 1
        del rep2
    if stdout:
        stdout.write(f"  everyday work: {made} tasks, {notes} notes, {views} saved views")


def register():
    register_demo(DemoSeeder("everyday_work", seed, order=900))
