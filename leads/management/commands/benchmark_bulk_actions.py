"""Run a bulk action over generated leads through the bulk engine and print rows per
second and queries per row.

    python manage.py benchmark_bulk_actions --rows 2000

The leads belong to a manager's rep; a tenth belong to another team (skipped, unchanged).
The job runs in this process through the same service the Celery task calls
(bulk_job_run): one transaction per row, each row through lead_update. Everything the
benchmark made is deleted afterwards.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection

from leads.models import Lead
from salesproc.bulk_actions.models import BulkJob
from salesproc.bulk_actions.services import bulk_job_run
from salesproc.models import Event, SalesRole, Team, User
from salesproc.processes import LEADS


class Command(BaseCommand):
    help = "Time a bulk reassign of generated leads (rows/s, queries per row)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=2000)

    def handle(self, *args, rows, **options):
        roles = {r.slug: r for r in SalesRole.objects.all()}
        role = roles.get("inside-rep") or next(
            r for r in roles.values() if LEADS in (r.processes or []) and r.slug != "admin"
        )
        team = Team.objects.create(name="Benchmark bulk team")
        other = Team.objects.create(name="Benchmark other team")
        manager = User.objects.create(
            username="bench-bulk-manager", role=roles.get("sales-manager", role), team=team
        )
        team.manager = manager
        team.save()
        rep = User.objects.create(username="bench-bulk-rep", role=role, team=team)
        mate = User.objects.create(username="bench-bulk-mate", role=role, team=team)
        outsider = User.objects.create(username="bench-bulk-out", role=role, team=other)
        try:
            leads = Lead.objects.bulk_create(
                Lead(
                    first_name="Bench",
                    last_name=f"Lead {i}",
                    email=f"bench{i}@bulk.example",
                    owner=outsider if i % 10 == 0 else rep,
                )
                for i in range(rows)
            )
            job = BulkJob.objects.create(
                actor=manager,
                record_type="lead",
                action="reassign",
                label="Reassign owner",
                params={"owner": mate.pk},
                ids=[lead.pk for lead in leads],
                total=rows,
            )
            count = [0]

            def counter(execute, sql, params, many, context):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                bulk_job_run(job_id=job.pk)
                elapsed = time.perf_counter() - started
            job.refresh_from_db()
            self.stdout.write(
                f"{connection.vendor}: {rows} rows in {elapsed:.2f} s = "
                f"{rows / elapsed:,.0f} rows/s; changed {job.changed}, skipped {job.skipped}; "
                f"{count[0] / rows:.1f} queries per row"
            )
        finally:
            Lead.all_objects.filter(email__endswith="@bulk.example").delete()
            BulkJob.objects.filter(actor=manager).delete()
            Event.objects.filter(actor=manager).delete()
            for user in (manager, rep, mate, outsider):
                user.delete()
            team.delete()
            other.delete()
