"""Stream the deal CSV export of 10,000 and 100,000 deals through the real page and API
and print rows per second and peak memory, to show the memory stays flat.

    python manage.py benchmark_exports               # 10,000 and 100,000 rows
    python manage.py benchmark_exports --sizes 1000 50000

The deals are inserted set-based (INSERT ... SELECT over generate_series on PostgreSQL,
bulk_create batches elsewhere) once, for one benchmark rep per size, and kept for the
next run. Each export runs as that rep through the test client (the deal list page with
?format=csv, and /api/v1/deals/?format=csv), so visibility, filters, the view and the
renderer are the real ones. A first pass is timed with RSS sampled (psutil); a second
pass measures Python's peak allocation (tracemalloc) while streaming.
"""

import time
import tracemalloc

import psutil
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import Account
from deals.models import Deal, Pipeline, Stage
from salesproc.demo import ensure_default_roles
from salesproc.models import User

PREFIX = "bench-export"
BATCH = 10_000


class Command(BaseCommand):
    help = "Stream the deal CSV export of many deals; print rows per second and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])

    def handle(self, *args, sizes, **options):
        self.stdout.write(f"database: {connection.vendor}")
        results = []
        for size in sizes:
            rep = self._rep_with_deals(size)
            for label, url in (
                ("page", "/deals/?format=csv&status=all"),
                ("api", "/api/v1/deals/?format=csv"),
            ):
                results.append((size, label, *self._measure(rep, url, size)))
        self.stdout.write(
            f"{'rows':>8} {'via':<5} {'seconds':>8} {'rows/s':>9} {'MB out':>7} "
            f"{'RSS peak +MB':>12} {'tracemalloc peak MB':>19}"
        )
        for size, label, seconds, megabytes, rss, traced in results:
            self.stdout.write(
                f"{size:>8} {label:<5} {seconds:>8.2f} {size / seconds:>9.0f} {megabytes:>7.1f} "
                f"{rss:>12.1f} {traced:>19.2f}"
            )

    # -- data --------------------------------------------------------------------------

    def _rep_with_deals(self, size):
        roles = ensure_default_roles()
        rep, _ = User.objects.get_or_create(
            username=f"{PREFIX}-{size}",
            defaults={"first_name": "Bench", "last_name": f"{size}", "role": roles["inside-rep"]},
        )
        have = Deal.objects.filter(owner=rep).count()
        if have < size:
            started = time.perf_counter()
            self._insert(rep, have, size - have)
            self.stdout.write(
                f"inserted {size - have} deals for {rep.username} "
                f"in {time.perf_counter() - started:.1f} s"
            )
        return rep

    @transaction.atomic
    def _insert(self, rep, start, count):
        pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.create(
            name=f"{PREFIX} pipeline", is_default=True
        )
        stage = Stage.objects.filter(pipeline=pipeline, kind=Stage.Kind.OPEN).order_by(
            "order"
        ).first() or Stage.objects.create(pipeline=pipeline, name="Open", probability=20)
        account, _ = Account.objects.get_or_create(
            name=f"{PREFIX} account {rep.pk}", defaults={"owner": rep}
        )
        now = timezone.now()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO deals_deal (name, deal_type, amount, currency, forecast_category,
                        status, lost_reason_detail, stage_entered_at, version, created_at,
                        updated_at, account_id, owner_id, pipeline_id, stage_id,
                        expected_close_date)
                    SELECT 'Benchmark deal ' || n, %s, (n %% 90000) + 1000, 'EUR', %s, %s, '',
                        %s, 1, %s, %s, %s, %s, %s, %s, (%s::date + (n %% 180))
                    FROM generate_series(%s, %s) AS n
                    """,
                    [
                        Deal.Type.NEW_BUSINESS,
                        Deal.ForecastCategory.PIPELINE,
                        Deal.Status.OPEN,
                        now,
                        now,
                        now,
                        account.pk,
                        rep.pk,
                        pipeline.pk,
                        stage.pk,
                        now.date(),
                        start,
                        start + count - 1,
                    ],
                )
            return
        for offset in range(0, count, BATCH):
            Deal.objects.bulk_create(
                [
                    Deal(
                        name=f"Benchmark deal {n}",
                        account=account,
                        owner=rep,
                        pipeline=pipeline,
                        stage=stage,
                        amount=(n % 90000) + 1000,
                        created_at=now,
                        stage_entered_at=now,
                    )
                    for n in range(start + offset, start + min(offset + BATCH, count))
                ],
                batch_size=2000,
            )

    # -- measurement -------------------------------------------------------------------

    def _client(self, rep):
        client = Client()
        client.force_login(rep)
        return client

    def _measure(self, rep, url, size):
        process = psutil.Process()
        client = self._client(rep)
        baseline = process.memory_info().rss
        peak_rss = baseline
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200 and response.streaming, url
        written = lines = 0
        for n, chunk in enumerate(response.streaming_content):
            written += len(chunk)
            lines += chunk.count(b"\n")
            if n % 5000 == 0:
                peak_rss = max(peak_rss, process.memory_info().rss)
        seconds = time.perf_counter() - started
        peak_rss = max(peak_rss, process.memory_info().rss)
        if lines != size + 1:
            raise AssertionError(f"{url}: {lines - 1} rows, expected {size}")

        tracemalloc.start()
        response = self._client(rep).get(url)
        for _chunk in response.streaming_content:
            pass
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return (
            seconds,
            written / 1_048_576,
            (peak_rss - baseline) / 1_048_576,
            traced_peak / 1_048_576,
        )
