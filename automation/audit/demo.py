"""Demo time audits for team North: one two months ago and one last week, with proposal
and email time down in the second (templates and quotes at work). Idempotent by name."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from salesproc.models import Team, User

from .defaults import DEFAULT_CATEGORIES
from .models import AuditCategory, TimeAudit, TimeAuditParticipant, TimeEntry

# minutes per working day, before -> after
DAILY_MINUTES = {
    "Entering data in the CRM": (55, 40),
    "Writing emails": (70, 30),
    "Preparing proposals and quotes": (62, 23),
    "Building reports": (35, 15),
    "Internal meetings": (45, 45),
    "Travel": (30, 30),
    "Prospecting": (50, 70),
    "Customer calls": (75, 100),
    "Customer meetings": (50, 75),
    "Training": (15, 20),
}


def ensure_default_categories():
    for order, (name, selling, automation) in enumerate(DEFAULT_CATEGORIES, start=1):
        AuditCategory.objects.get_or_create(
            name=name, defaults={"selling": selling, "automation": automation, "order": order * 10}
        )


def _monday(day):
    return day - timedelta(days=day.weekday())


@transaction.atomic
def seed(*, stdout=None):
    ensure_default_categories()
    team = Team.objects.filter(name="North").first()
    opener = User.objects.filter(username="manager1").first()
    if team is None or opener is None:
        return
    people = list(User.objects.filter(team=team, is_active=True).order_by("username"))
    categories = {c.name: c for c in AuditCategory.objects.filter(name__in=DAILY_MINUTES)}
    today = timezone.localdate()
    periods = [
        ("North time audit, before", _monday(today - timedelta(days=61)), 0),
        ("North time audit, after templates and quotes", _monday(today - timedelta(days=7)), 1),
    ]
    for name, monday, phase in periods:
        audit, created = TimeAudit.objects.get_or_create(
            name=name,
            defaults={
                "starts_on": monday,
                "ends_on": monday + timedelta(days=6),
                "opened_by": opener,
            },
        )
        if not created:
            continue
        audit.teams.set([team])
        TimeAuditParticipant.objects.bulk_create(
            [TimeAuditParticipant(audit=audit, user=p, reminded_at=timezone.now()) for p in people]
        )
        rng = random.Random(f"{name}")
        entries = []
        for person in people:
            for offset in range(5):
                day = monday + timedelta(days=offset)
                for category_name, minutes in DAILY_MINUTES.items():
                    if category_name not in categories:
                        continue
                    value = round(minutes[phase] * rng.uniform(0.7, 1.3))
                    if value:
                        entries.append(
                            TimeEntry(
                                audit=audit,
                                user=person,
                                category=categories[category_name],
                                day=day,
                                minutes=value,
                            )
                        )
        TimeEntry.objects.bulk_create(entries)
    if stdout:
        stdout.write(f"  time audits: {TimeAudit.objects.count()}")
