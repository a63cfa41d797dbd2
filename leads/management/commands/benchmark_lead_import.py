"""Import a generated CSV of leads through the import service and print rows per second.

    python manage.py benchmark_lead_import --rows 100000
    python manage.py benchmark_lead_import --rows 100000 --worker --cleanup

The file has some bad rows (invalid emails, missing last names) and duplicates inside it,
like a real export. By default the import runs in this process through the same service
the Celery task calls (imports.import_job_run), batch by batch, on the configured database.
With --worker it goes the production way: a real Celery worker (salesproc.worker_process)
runs run_lead_import_task while this process samples the worker's memory (issue 16: under
300 MB during a 100,000-row import). --cleanup then deletes what the import added.
"""

import csv
import random
import resource
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from leads import imports
from leads.management import import_benchmark
from leads.models import Lead
from salesproc.models import User
from salesproc.processes import LEADS
from salesproc.worker_process import (
    CeleryWorker,
    WorkerFailed,
    broker_problem,
    other_workers,
    queued_tasks,
)

WORKER_RSS_TARGET_MB = 300  # issue 16: the Celery worker during a 100,000-row import

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
        parser.add_argument(
            "--worker",
            action="store_true",
            help="Run the import in a real Celery worker started for the purpose (needs "
            "REDIS_URL, not eager) and print the worker's memory before, at peak and after.",
        )
        parser.add_argument(
            "--worker-pool",
            choices=["solo", "prefork"],
            default="solo",
            help="solo: the task runs in the worker process, whose RSS is measured; prefork "
            "(concurrency 1): the RSS of the parent and its child together.",
        )
        parser.add_argument(
            "--cleanup",
            action="store_true",
            help="Afterwards delete what the import jobs added: the leads they created (with "
            "their qualifications and events), then the jobs, their row results and files. "
            "Leads they updated stay as they are now.",
        )

    def handle(self, *args, **options):
        if options["worker"]:
            problem = broker_problem()
            if problem:
                raise CommandError(f"--worker needs a Celery broker and worker: {problem}.")
            if options["tracemalloc"]:
                raise CommandError("--tracemalloc traces this process; it has no --worker.")
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
            runs = range(1, (2 if options["again"] else 1) + 1)
            self.jobs = []  # each run's job, as soon as it exists (for --cleanup)
            try:
                if options["worker"]:
                    with self._worker(options["worker_pool"]) as worker:
                        for run in runs:
                            self._run_in_worker(worker, path, user, run=run)
                else:
                    for run in runs:
                        self._run(path, user, run=run, trace=options["tracemalloc"])
            finally:
                if options["cleanup"]:
                    self._cleanup(self.jobs)

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
        self.jobs.append(job)
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

    @contextmanager
    def _worker(self, pool):
        """A worker for the runs; a failure to start or a death mid-run is a CommandError
        with its log, and it is stopped however the runs end (Ctrl-C too)."""
        others = other_workers()
        if others:
            self.stdout.write(
                self.style.WARNING(
                    f"Other workers consume this broker and may take the job: {', '.join(others)}"
                )
            )
        started = time.perf_counter()
        try:
            with CeleryWorker(pool=pool) as worker:
                self.stdout.write(
                    f"Celery worker {worker.name} ready in {time.perf_counter() - started:.1f} s "
                    f"({worker.pool}, concurrency {worker.concurrency}; "
                    f"processes {', '.join(map(str, worker.pids()))})"
                )
                yield worker
        except WorkerFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Celery worker stopped")

    def _run_in_worker(self, worker, path, user, *, run):
        with open(path, "rb") as handle:
            job = imports.import_job_create(actor=user, upload=File(handle, name=path.name))
        self.jobs.append(job)
        ahead = queued_tasks()
        if ahead:
            self.stdout.write(f"  {ahead:,} tasks are queued ahead of the job (not timed)")
        try:
            result = import_benchmark.run_in_worker(
                worker, actor=user, job=job, progress=self._progress
            )
        except import_benchmark.ClaimTimeout as exc:
            raise CommandError(str(exc)) from exc
        self._print_worker_run(result, run)

    def _progress(self, seconds, job, rss, peak):
        total = f" of {job.total:,}" if job.total is not None else ""
        self.stdout.write(
            f"  {seconds:5.0f} s: {job.state}, {job.processed:,}{total} rows; "
            f"worker RSS {rss:,.0f} MB (peak {peak:,.0f} MB)"
        )

    def _print_worker_run(self, result, run):
        job, peak = result.job, result.rss_peak
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Run {run}: import job {job.pk} in the worker, {job.state}")
        )
        self.stdout.write(
            f"  rows {job.processed:,}: created {job.created:,}, updated {job.updated:,}, "
            f"unchanged {job.unchanged:,}, rejected {job.rejected:,}"
        )
        if job.error:
            self.stdout.write(self.style.ERROR(f"  {job.error}"))
        # the job's own timestamps: the task's run from its claim to the end, not the queue
        ended = job.finished_at or timezone.now()
        elapsed = (ended - job.started_at).total_seconds() if job.started_at else 0
        waited = (job.started_at or ended) - job.queued_at
        rate = job.processed / elapsed if elapsed else 0
        style = self.style.SUCCESS if rate > 2000 else self.style.WARNING
        self.stdout.write(
            style(
                f"  {elapsed:.1f} s, {rate:,.0f} rows/second through the worker "
                f"(from its claim of the job to done; {waited.total_seconds():.1f} s in the queue)"
            )
        )
        self.stdout.write(
            f"  worker RSS: {result.rss_before:,.0f} MB before the job, {peak:,.0f} MB at peak, "
            f"{result.rss_after:,.0f} MB after (sampled every {import_benchmark.SAMPLE_EVERY} s)"
        )
        if result.drain_seconds is None:
            self.stdout.write(
                self.style.WARNING(
                    f"  the import's {result.events:,} events were still being dispatched "
                    f"after {import_benchmark.DRAIN_TIMEOUT} s"
                )
            )
        else:
            self.stdout.write(
                f"  then the worker dispatched the import's {result.events:,} events in "
                f"{result.drain_seconds:.1f} s (it is free again after that; the peak "
                "above includes it)"
            )
        ok = peak < WORKER_RSS_TARGET_MB
        self.stdout.write(
            (self.style.SUCCESS if ok else self.style.ERROR)(
                f"  Celery worker peak RSS: {peak:,.0f} MB (target < {WORKER_RSS_TARGET_MB} MB)"
            )
        )

    def _cleanup(self, jobs):
        leads = import_benchmark.delete_what_imports_added(jobs)
        self.stdout.write(f"Cleanup: deleted {leads:,} leads and {len(jobs)} import jobs")
