"""The scale benchmark: grow the demo org, then time every list, report and page.

    python manage.py benchmark_scale                 # the sizes of issue 16
    python manage.py benchmark_scale --accounts 5000 --contacts 15000 --deals 10000 \
        --leads 10000 --calls 20000 --requests 10    # a quicker look

Builds the data set on the configured database (PostgreSQL; SQLite works, slowly) with
batched inserts, starts gunicorn (2 workers, DEBUG off) on --port, and prints for each
request and persona (rep1, manager1, admin) the median and p95 over --requests requests,
the query count, and for lists the bare SQL floor and our time ÷ the floor. Then the
deals list's throughput against a bare Django view, and the workers' memory.

    python manage.py benchmark_scale --skip-build --only import --cleanup

The "import" part (not in the default set: it adds --import-rows leads) imports a CSV
through a real Celery worker and prints the worker's memory (benchmark_lead_import --worker).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from automation.benchmark import dataset, report
from salesproc.worker_process import broker_problem

DEFAULT_PARTS = ("lists", "reports", "pages", "throughput")
PARTS = (*DEFAULT_PARTS, "import")


class Command(BaseCommand):
    help = "Build a data set the size of a real sales org and time every list and report."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=50_000)
        parser.add_argument("--contacts", type=int, default=150_000)
        parser.add_argument("--deals", type=int, default=100_000)
        parser.add_argument("--leads", type=int, default=100_000)
        parser.add_argument("--calls", type=int, default=200_000)
        parser.add_argument("--requests", type=int, default=20, help="per request and persona")
        parser.add_argument("--port", type=int, default=8190)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--only",
            default="",
            help=f"comma-separated parts of {', '.join(PARTS)} (default: all but import)",
        )
        parser.add_argument(
            "--import-rows",
            type=int,
            default=100_000,
            help="rows of the CSV the import part runs through a Celery worker",
        )
        parser.add_argument(
            "--cleanup",
            action="store_true",
            help="after the import part, delete the leads it created (and its job), so the "
            "data set does not grow with each run",
        )
        parser.add_argument("--throughput-seconds", type=int, default=10)
        parser.add_argument("--peer-url", default="", help="another CRM's base URL")
        parser.add_argument("--peer-token", default="", help="its API token, if any")
        parser.add_argument("--skip-build", action="store_true")

    def handle(self, *args, **options):
        only = {part for part in options["only"].split(",") if part}
        if only - set(PARTS):
            raise CommandError(f"Unknown --only parts: {', '.join(sorted(only - set(PARTS)))}")
        if "import" in only and broker_problem():  # say so before the long parts, not after
            raise CommandError(f"The import part needs a Celery broker: {broker_problem()}.")
        sizes = {k: options[k] for k in ("accounts", "contacts", "deals", "leads", "calls")}
        if options["skip_build"]:
            crowd = dataset.people()
        else:
            crowd = dataset.build(sizes=sizes, stdout=self.stdout)
        web = (only or set(DEFAULT_PARTS)) - {"import"}
        if web:
            report.run(
                crowd=crowd,
                port=options["port"],
                workers=options["workers"],
                repeat=options["requests"],
                parts=web,
                throughput_seconds=options["throughput_seconds"],
                peer_url=options["peer_url"],
                peer_token=options["peer_token"],
                stdout=self.stdout,
            )
        if "import" in only:
            self.stdout.write("")
            call_command(
                "benchmark_lead_import",
                rows=options["import_rows"],
                worker=True,
                cleanup=options["cleanup"],
                user=crowd["admin"].username,
                stdout=self.stdout,
                stderr=self.stderr,
            )
