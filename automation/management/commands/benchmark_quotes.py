"""python manage.py benchmark_quotes: PDF generation time for a 50-line quote.

Target: under 300 ms (issue 14). Builds a throwaway quote inside a transaction that is
rolled back, renders it several times and prints the median, min and max.
"""

import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

TARGET_MS = 300


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the PDF of a 50-line quote (median of several runs)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=9)
        parser.add_argument("--lines", type=int, default=50)

    def handle(self, *args, **options):
        from accounts.models import Account
        from automation.quotes import services
        from automation.quotes.pdf import render_quote_pdf
        from deals.models import Deal, Pipeline, Stage
        from salesproc.demo import ensure_default_roles
        from salesproc.models import User

        runs, count = options["runs"], options["lines"]
        timings = []
        size = 0
        try:
            with transaction.atomic():
                roles = ensure_default_roles()
                admin = User.objects.create(username="benchmark-quotes", role=roles["admin"])
                pipeline = Pipeline.objects.create(name="benchmark-quotes")
                stage = Stage.objects.create(pipeline=pipeline, name="Open", order=0)
                account = Account.objects.create(name="Benchmark Customer plc", owner=admin)
                deal = Deal.objects.create(
                    name="Benchmark deal",
                    account=account,
                    owner=admin,
                    pipeline=pipeline,
                    stage=stage,
                )
                quote = services.quote_create(actor=admin, deal=deal)
                lines = [
                    {
                        "description": f"Professional services package {n}: "
                        "implementation, training and support",
                        "quantity": Decimal(n % 7 + 1),
                        "unit_price": Decimal("129.90") + n,
                        "discount_percent": Decimal(n % 4),
                    }
                    for n in range(count)
                ]
                quote = services.quote_update(
                    actor=admin,
                    quote=quote,
                    data={
                        "terms": "Payment within 30 days. " * 20,
                        "cover_letter": "Dear customer,\n\nThank you. " * 10,
                    },
                    lines=lines,
                )
                quote_lines = list(quote.lines.all())
                company = services.company_settings()
                render_quote_pdf(quote, lines=quote_lines, company=company)  # warm up
                for _ in range(runs):
                    start = time.perf_counter()
                    size = len(render_quote_pdf(quote, lines=quote_lines, company=company))
                    timings.append((time.perf_counter() - start) * 1000)
                raise _Rollback
        except _Rollback:
            pass
        median = statistics.median(timings)
        self.stdout.write(
            f"quote PDF, {count} lines: median {median:.1f} ms over {runs} runs "
            f"(min {min(timings):.1f}, max {max(timings):.1f}); {size / 1024:.1f} KiB; "
            f"target < {TARGET_MS} ms: {'met' if median < TARGET_MS else 'NOT met'}"
        )
