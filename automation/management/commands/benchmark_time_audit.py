"""Time the audit report, the comparison and a week grid over many time entries.

Everything is written in one transaction that is rolled back: the database is left as
it was. Prints the time and the number of queries of each read.
"""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from automation.audit import selectors
from automation.audit.models import AuditCategory, TimeAudit, TimeAuditParticipant, TimeEntry
from salesproc.models import User


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark the time audit report over N entries (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=100_000)
        parser.add_argument("--people", type=int, default=50)

    def handle(self, *args, entries, people, **options):
        try:
            with transaction.atomic():
                self._run(entries=entries, people=people)
                raise Rollback
        except Rollback:
            pass

    def _measure(self, label, func):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = func()
            elapsed = (time.perf_counter() - started) * 1000
        self.stdout.write(f"  {label}: {elapsed:.0f} ms, {len(queries)} queries")
        return result

    def _run(self, *, entries, people):
        admin = User.objects.filter(is_superuser=True).first() or User.objects.create(
            username="benchmark-admin", is_superuser=True
        )
        users = User.objects.bulk_create(
            [User(username=f"benchmark-{i}", first_name=f"Person {i}") for i in range(people)]
        )
        categories = list(AuditCategory.objects.all()) or [
            AuditCategory.objects.create(name="Work")
        ]
        start = timezone.localdate() - timedelta(days=6)
        audits = [
            TimeAudit.objects.create(
                name=f"Benchmark {n}",
                starts_on=start - timedelta(days=60 * n),
                ends_on=start - timedelta(days=60 * n) + timedelta(days=6),
                opened_by=admin,
            )
            for n in (1, 0)
        ]
        for audit in audits:
            TimeAuditParticipant.objects.bulk_create(
                [TimeAuditParticipant(audit=audit, user=u) for u in users]
            )
            per_audit = entries // 2
            TimeEntry.objects.bulk_create(
                (
                    TimeEntry(
                        audit=audit,
                        user=users[i % people],
                        category=categories[i % len(categories)],
                        day=audit.starts_on + timedelta(days=i % 7),
                        minutes=1 + i % 50,
                    )
                    for i in range(per_audit)
                ),
                batch_size=5000,
            )
        self.stdout.write(f"time audit over {entries} entries, {people} people, two audits:")
        before, after = audits
        report_before = self._measure(
            "report", lambda: selectors.audit_report(user=admin, audit=before)
        )
        report_after = selectors.audit_report(user=admin, audit=after)
        self._measure(
            "comparison",
            lambda: selectors.audit_comparison(before=report_before, after=report_after),
        )
        self._measure(
            "week grid of one person", lambda: selectors.week_grid(user=users[0], audit=after)
        )
        self._measure(
            "registered report rows",
            lambda: selectors.report_rows(user=admin, params={"audit": after.pk}),
        )
