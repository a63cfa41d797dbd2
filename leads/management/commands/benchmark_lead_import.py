"""Import a generated CSV of leads through the import service and print rows per second.

    python manage.py benchmark_lead_import --rows 100000

The file has some bad rows (invalid emails, missing last names) and duplicates inside it,
like a real export. The import runs in this process through the same service the Celery
task calls (imports.import_job_run), batch by batch, on the configured database.
"""

import csv
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from leads import imports
from leads.models import Lead
from salesproc.models import User
from salesproc.processes import LEADS

INDUSTRIES = ["Software", "Manufacturing", "Healthcare", "Logistics", "Retail", "Energy"]
COUNTRIES = ["United Kingdom", "Germany", "France", "Netherlands", "Spain", "United States"]
TITLES = ["CEO", "CTO", "Head of Sales", "Procurement lead", "Operations manager", "CFO"]
FIRST = ["Ada", "Alan", "Grace", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Edsger"]
LAST = ["Lovelace", "Turing", "Hopper", "Johnson", "Torvalds", "Hamilton", "Berners-Lee"]


def write_csv(path, rows, *, bad_percent, duplicate_percent, seed):
    """Write `rows` leads; returns how many are bad and how many repeat an earlier email."""
    rng = random.Random(seed)
    bad = duplicates = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "First name",
                "Last name",
                "Email",
                "Phone",
                "Job title",
                "Company",
                "Website",
                "Industry",
                "Employees",
                "Country",
            ]
        )
        for i in range(rows):
            roll = rng.random() * 100
            email = f"lead{i}@company{i // 3}.example"
            last = rng.choice(LAST)
            if roll < bad_percent / 2:
                email, bad = f"lead{i}-at-company{i}", bad + 1
            elif roll < bad_percent:
                last, bad = "", bad + 1
            elif roll < bad_percent + duplicate_percent and i > 10:
                j = rng.randrange(i)
                email, duplicates = f"lead{j}@company{j // 3}.example", duplicates + 1
            writer.writerow(
                [
                    rng.choice(FIRST),
                    last,
                    email,
                    f"+44 20 7946 {i % 10000:04d}",
                    rng.choice(TITLES),
                    f"Company {i // 3}",
                    f"https://company{i // 3}.example",
                    rng.choice(INDUSTRIES),
                    str(rng.choice([5, 20, 80, 250, 1200, 8000])),
                    rng.choice(COUNTRIES),
                ]
            )
    return bad, duplicates


class Command(BaseCommand):
    help = "Benchmark the CSV lead import: rows per second and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--bad-percent", type=float, default=2.0)
        parser.add_argument("--duplicate-percent", type=float, default=2.0)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--user", help="Username of the importer (default: the first admin who runs leads)."
        )
        parser.add_argument(
            "--again", action="store_true", help="Import the same file a second time too."
        )
        parser.add_argument(
            "--tracemalloc",
            action="store_true",
            help="Also trace Python allocations (exact, but makes the import slower).",
        )

    def handle(self, *args, **options):
        user = self._importer(options["user"])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"benchmark-{options['rows']}.csv"
            started = time.perf_counter()
            bad, duplicates = write_csv(
                path,
                options["rows"],
                bad_percent=options["bad_percent"],
                duplicate_percent=options["duplicate_percent"],
                seed=options["seed"],
            )
            self.stdout.write(
                f"Generated {options['rows']:,} rows ({path.stat().st_size / 1e6:.1f} MB, "
                f"{bad:,} bad, {duplicates:,} repeating an earlier email) in "
                f"{time.perf_counter() - started:.1f} s"
            )
            self.stdout.write(
                f"Database: {connection.vendor}; importer: {user.username}; "
                f"leads before: {Lead.objects.count():,}"
            )
            runs = 2 if options["again"] else 1
            for run in range(1, runs + 1):
                self._run(path, user, run=run, trace=options["tracemalloc"])

    def _importer(self, username):
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
            return user
        for user in User.objects.filter(is_active=True).order_by("id"):
            if user.is_crm_admin and user.runs(LEADS):
                return user
        user, _ = User.objects.get_or_create(
            username="import-benchmark",
            defaults={"is_superuser": True, "first_name": "Import", "last_name": "Benchmark"},
        )
        return user

    def _run(self, path, user, *, run, trace):
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if trace:
            tracemalloc.start()
        with open(path, "rb") as handle:
            job = imports.import_job_create(actor=user, upload=File(handle, name=path.name))
        job = imports.import_job_start(actor=user, job=job, enqueue=False)
        started, cpu_started = time.perf_counter(), time.process_time()
        job = imports.import_job_run(job_id=job.pk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        traced = None
        if trace:
            traced = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Run {run}: import job {job.pk}, {job.state}")
        )
        self.stdout.write(
            f"  rows {job.processed:,}: created {job.created:,}, updated {job.updated:,}, "
            f"unchanged {job.unchanged:,}, rejected {job.rejected:,}"
        )
        if job.error:
            self.stdout.write(self.style.ERROR(f"  {job.error}"))
        rate = job.processed / elapsed if elapsed else 0
        style = self.style.SUCCESS if rate > 2000 else self.style.WARNING
        self.stdout.write(
            style(
                f"  {elapsed:.1f} s, {rate:,.0f} rows/second "
                f"({cpu:.1f} s of CPU in this process; the rest is the database)"
            )
        )
        self.stdout.write(
            f"  peak memory (max RSS of this process): {rss_peak:,.0f} MB "
            f"(before the import: {rss_before:,.0f} MB)"
            + (f"; Python allocations peak {traced:,.1f} MB" if traced is not None else "")
        )
