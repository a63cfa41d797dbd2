"""Time territory management on this database; nothing it creates is kept.

    python manage.py benchmark_territories [--accounts 50000]

Prints the rule re-run over N accounts (target: 50,000 under 60 s on PostgreSQL), the
preview of a rule change over the same accounts, call-pattern generation for a rep with
500 accounts over 12 weeks (target under 2 s) and the median time (and query count) of
the coverage report over that rep's 500 accounts and over all N accounts.
"""

import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.models import Account
from salesproc.models import User
from territories import services
from territories.inputs import RuleInput
from territories.models import AccountTerritory, AssignmentRule, AssignmentRun, Territory

PREFIXES = ["M", "SK", "BL", "WN", "WA", "L", "PR", "LS", "BD", "S", "YO", "HD"]


class _Rollback(Exception):
    pass


def _analyse():
    """Fresh planner statistics after the bulk inserts (PostgreSQL allows ANALYZE inside
    the transaction): a table whose statistics still say "150 rows" gets plans for 150
    rows, which is not what a real database of 50,000 accounts runs."""
    if connection.vendor != "postgresql":
        return
    from calls.models import Call

    with connection.cursor() as cursor:
        for model in (Account, AccountTerritory, Call):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


class Command(BaseCommand):
    help = "Time the territory rule re-run and preview on this database (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=50_000)

    def handle(self, *args, **options):
        count = options["accounts"]
        self.stdout.write(f"database: {connection.vendor}")
        try:
            with transaction.atomic():
                self._run(count)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, count):
        rnd = random.Random(5)
        owner = User.objects.create(username="benchmark-territories")
        started = time.perf_counter()
        Account.objects.bulk_create(
            [
                Account(
                    name=f"Benchmark {n}",
                    owner=owner,
                    country="United Kingdom",
                    postcode=f"{rnd.choice(PREFIXES)}{rnd.randint(1, 20)} {rnd.randint(1, 9)}AA",
                    employee_count=rnd.randint(5, 5000),
                    latitude=Decimal(str(round(rnd.uniform(53.0, 54.2), 6))),
                    longitude=Decimal(str(round(rnd.uniform(-3.2, -1.0), 6))),
                )
                for n in range(count)
            ],
            batch_size=5000,
        )
        self.stdout.write(f"created {count} accounts in {time.perf_counter() - started:.1f} s")
        _analyse()
        # The benchmark's rules alone (a demo database's rules would catch its accounts
        # first); rolled back with everything else.
        AssignmentRule.objects.all().delete()
        admin = User.objects.create(username="benchmark-admin", is_superuser=True)
        territories = [Territory.objects.create(name=f"Benchmark T{n}") for n in range(6)]
        for n, territory in enumerate(territories):
            AssignmentRule.objects.create(
                territory=territory,
                priority=1000 + n,
                postcode_prefixes=PREFIXES[n * 2 : n * 2 + 2],
                employees_min=10,
            )
        AssignmentRule.objects.create(
            territory=territories[0],
            priority=999,
            latitude=Decimal("53.4808"),
            longitude=Decimal("-2.2426"),
            radius_km=Decimal("15"),
        )
        run = AssignmentRun.objects.create(started_by=admin)
        started = time.perf_counter()
        services.assignment_run(run_id=run.pk)
        first = time.perf_counter() - started
        run.refresh_from_db()
        _analyse()
        self.stdout.write(
            f"rule re-run over {count} accounts (first placement, {run.moved} placed): "
            f"{first:.1f} s (target under 60 s)"
        )
        started = time.perf_counter()
        moves = services.rule_change_preview(
            actor=admin,
            data=RuleInput(territory=territories[1], priority=5, postcode_prefixes=["M"]),
        )
        self.stdout.write(
            f"preview of a rule change ({sum(m.accounts for m in moves)} accounts would move): "
            f"{time.perf_counter() - started:.1f} s"
        )
        AssignmentRule.objects.create(territory=territories[1], priority=5, postcode_prefixes=["M"])
        run = AssignmentRun.objects.create(started_by=admin)
        started = time.perf_counter()
        services.assignment_run(run_id=run.pk)
        run.refresh_from_db()
        self.stdout.write(
            f"rule re-run after that change ({run.moved} moved): "
            f"{time.perf_counter() - started:.1f} s (target under 60 s)"
        )
        self.stdout.write(
            f"accounts in a territory: {AccountTerritory.objects.exclude(territory=None).count()}"
        )
        self._patterns(admin, rnd)
        self._coverage(admin, territories, f"the rule-placed territories ({count} accounts)", 3)

    def _patterns(self, admin, rnd):
        """Call-pattern generation for a field rep with 500 accounts over 12 weeks."""
        from salesproc.models import SalesRole
        from territories.models import PotentialBand, RepBase
        from territories.patterns.services import call_pattern_generate

        role = SalesRole.objects.filter(slug="field-rep").first() or SalesRole.objects.create(
            slug="field-rep-benchmark", name="Field rep (benchmark)", processes=["territories"]
        )
        rep = User.objects.create(username="benchmark-field-rep", role=role)
        territory = Territory.objects.create(name="Benchmark patterns", rep=rep)
        accounts = Account.objects.bulk_create(
            [
                Account(
                    name=f"Pattern {n}",
                    owner=rep,
                    industry=f"Industry {n % 8}",
                    latitude=Decimal(str(round(rnd.uniform(53.2, 53.9), 6))),
                    longitude=Decimal(str(round(rnd.uniform(-3.0, -1.8), 6))),
                )
                for n in range(500)
            ]
        )
        AccountTerritory.objects.bulk_create(
            [AccountTerritory(account=a, territory=territory, pinned=True) for a in accounts]
        )
        for n in range(8):
            PotentialBand.objects.create(industry=f"Industry {n}", yearly_value=5000 * 3**n)
        RepBase.objects.create(rep=rep, latitude=Decimal("53.4808"), longitude=Decimal("-2.2426"))
        # Policies a rep with 500 accounts can meet: the top 10% monthly, the next 20%
        # once a quarter, the rest as the return allows (rolled back with everything else).
        from territories.models import TerritorySettings, TierPolicy

        TerritorySettings.objects.update_or_create(pk=1, defaults={"tier_mode": "share"})
        for tier, share, visits, weeks in (("A", 10, 1, 4), ("B", 20, 1, 12), ("C", 30, 0, 12),
                                           ("D", 40, 0, 12)):  # fmt: skip
            TierPolicy.objects.update_or_create(
                tier=tier,
                defaults={
                    "top_share_percent": share,
                    "visits_per_period": visits,
                    "period_weeks": weeks,
                },
            )
        started = time.perf_counter()
        pattern = call_pattern_generate(
            actor=rep, rep=rep, weeks=12, visits_per_day=8, working_days=5
        )
        self.stdout.write(
            f"call pattern for 500 accounts over 12 weeks ({pattern.visits.count()} visits): "
            f"{time.perf_counter() - started:.2f} s (target under 2 s)"
        )
        # 12 weeks of held visits (two a day), so the report has visits to weigh.
        from datetime import timedelta

        from django.utils import timezone

        from calls.models import Call

        now = timezone.now()
        Call.objects.bulk_create(
            [
                Call(
                    owner=rep,
                    account=accounts[rnd.randrange(len(accounts))],
                    scheduled_at=now - timedelta(days=day, hours=hour),
                    status=Call.Status.COMPLETED,
                    result=Call.Result.HELD,
                    completed_at=now - timedelta(days=day, hours=hour),
                    purpose="Benchmark visit",
                )
                for day in range(1, 85)
                for hour in (2, 5)
            ]
        )
        _analyse()
        self._coverage(admin, [territory], "that territory (500 accounts)", 7)

    def _coverage(self, admin, territories, label, repeat):
        from statistics import median

        from django.test.utils import CaptureQueriesContext

        from territories.coverage.selectors import coverage, coverage_map, territory_balance

        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                coverage(user=admin, territories=territories)
            times.append(time.perf_counter() - started)
        self.stdout.write(
            f"coverage report of {label}, median of {repeat}: "
            f"{median(times) * 1000:.0f} ms ({len(queries)} queries)"
        )
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            coverage_map(user=admin, territories=territories)
        self.stdout.write(
            f"its map: {(time.perf_counter() - started) * 1000:.0f} ms ({len(queries)} queries)"
        )
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            territory_balance(user=admin)
        self.stdout.write(
            f"territory balance (every territory with a rep): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms ({len(queries)} queries)"
        )
