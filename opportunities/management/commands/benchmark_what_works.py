"""Time the what-works report on a large data set, against one equivalent raw SQL query.

    python manage.py benchmark_what_works --deals 100000

Seeds (or reuses) a benchmark team: a manager, 20 reps, accounts with contacts, closed
deals over the last year with plans, strategies, competitors, stakeholders and held
calls. Then prints the median time of the report, per breakdown, for the manager (team
scope) and for an admin (everything), and of one hand-written SQL query that computes
the strategy breakdown. Meant for PostgreSQL; runs on SQLite too (slowly).
"""

import random
import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account, Contact
from calls.models import Call
from deals.models import Deal, Pipeline, Stage
from opportunities.analysis import GROUP_BY, what_works
from opportunities.models import (
    Competitor,
    DealCompetitor,
    OpportunityPlan,
    Stakeholder,
    WinStrategy,
)
from opportunities.services.catalogue import current_prompt_version
from salesproc.demo import ensure_default_roles
from salesproc.models import Team, User

TEAM = "Benchmark what works"
BATCH = 5000

RAW_STRATEGY_SQL = """
SELECT p.strategy_id,
       COUNT(*) AS deals,
       COUNT(*) FILTER (WHERE d.status = 'won') AS won,
       SUM(EXTRACT(EPOCH FROM (d.closed_at - d.created_at)) / 86400.0) AS cycle,
       SUM((EXTRACT(EPOCH FROM (d.closed_at - d.created_at)) / 86400.0) ^ 2) AS cycle_sq,
       SUM(d.amount) FILTER (WHERE d.status = 'won') AS amount,
       SUM(d.amount * d.amount) FILTER (WHERE d.status = 'won') AS amount_sq
FROM deals_deal d
LEFT JOIN opportunities_opportunityplan p ON p.deal_id = d.id
WHERE d.status IN ('won', 'lost') AND d.closed_at >= %s AND d.closed_at <= %s {scope}
GROUP BY p.strategy_id
"""


class Command(BaseCommand):
    help = "Seed a large data set and time the what-works report."

    def add_arguments(self, parser):
        parser.add_argument("--deals", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, deals, repeat, seed, **options):
        manager, admin = self._people()
        have = Deal.objects.filter(owner__team__name=TEAM).count()
        if have < deals:
            started = time.perf_counter()
            self._seed(manager, deals - have, random.Random(seed + have))
            self.stdout.write(
                f"seeded {deals - have} deals in {time.perf_counter() - started:.1f} s"
            )
        else:
            self.stdout.write(f"reusing {have} benchmark deals")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # planner statistics after the bulk load
                cursor.execute("ANALYZE")
        total = Deal.objects.filter(status__in=("won", "lost")).count()
        self.stdout.write(f"closed deals in the database: {total} ({connection.vendor})")
        end = timezone.localdate()
        start = end - timedelta(days=365)
        for label, user in (("manager", manager), ("admin", admin)):
            for group_by in GROUP_BY:
                times = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    report = what_works(user=user, start=start, end=end, group_by=group_by)
                    times.append(time.perf_counter() - t0)
                self.stdout.write(
                    f"{label:8} {group_by:13} median {statistics.median(times) * 1000:8.1f} ms"
                    f"  ({report.overall.deals} deals, {len(report.groups)} groups)"
                )
        if connection.vendor == "postgresql":
            since, until = _bounds(start, end)
            for label, scope, params in (
                (
                    "manager",
                    "AND d.owner_id IN (SELECT id FROM salesproc_user WHERE team_id = %s)",
                    [manager.team_id],
                ),
                ("admin", "", []),
            ):
                sql = RAW_STRATEGY_SQL.format(scope=scope)
                times = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    with connection.cursor() as cursor:
                        cursor.execute(sql, [since, until, *params])
                        cursor.fetchall()
                    times.append(time.perf_counter() - t0)
                self.stdout.write(
                    f"{label:8} raw SQL (strategy) median {statistics.median(times) * 1000:8.1f} ms"
                )

    def _people(self):
        roles = ensure_default_roles()
        team, _ = Team.objects.get_or_create(name=TEAM)
        manager, _ = User.objects.get_or_create(
            username="bench_ww_manager", defaults={"role": roles["sales-manager"], "team": team}
        )
        if team.manager_id != manager.pk:
            team.manager = manager
            team.save(update_fields=["manager"])
        admin, _ = User.objects.get_or_create(
            username="bench_ww_admin", defaults={"role": roles["admin"]}
        )
        for i in range(20):
            User.objects.get_or_create(
                username=f"bench_ww_rep{i}", defaults={"role": roles["inside-rep"], "team": team}
            )
        return User.objects.get(pk=manager.pk), User.objects.get(pk=admin.pk)

    def _seed(self, manager, count, rng):
        reps = list(User.objects.filter(team__name=TEAM, username__startswith="bench_ww_rep"))
        pipeline, _ = Pipeline.objects.get_or_create(name="Benchmark pipeline")
        won, _ = Stage.objects.get_or_create(
            pipeline=pipeline, name="Won", defaults={"kind": "won", "probability": 100, "order": 1}
        )
        lost, _ = Stage.objects.get_or_create(
            pipeline=pipeline, name="Lost", defaults={"kind": "lost", "probability": 0, "order": 2}
        )
        version = current_prompt_version()
        strategies = list(WinStrategy.objects.all())
        competitors = list(Competitor.objects.all())
        for name in ("Bench rival A", "Bench rival B", "Bench rival C"):
            competitors.append(Competitor.objects.get_or_create(name=name)[0])
        now = timezone.now()
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                accounts = Account.objects.bulk_create(
                    [
                        Account(name=f"Bench account {done + i}", owner=rng.choice(reps))
                        for i in range(max(1, size // 10))
                    ]
                )
                contacts = Contact.objects.bulk_create(
                    [
                        Contact(first_name="Bench", last_name=str(i), account=a, owner=a.owner)
                        for a in accounts
                        for i in range(3)
                    ]
                )
                by_account = {}
                for c in contacts:
                    by_account.setdefault(c.account_id, []).append(c)
                rows = []
                for _ in range(size):
                    account = rng.choice(accounts)
                    strategy = rng.choice(strategies)
                    # strategies really differ: index 2 (pilot) wins most, 5 (price) least
                    p_win = 0.25 + 0.05 * (strategies.index(strategy) in (0, 2)) * 3
                    closed_at = now - timedelta(days=rng.randint(1, 360))
                    is_won = rng.random() < p_win
                    rows.append(
                        (
                            Deal(
                                name="Bench deal",
                                account=account,
                                owner=account.owner,
                                pipeline=pipeline,
                                stage=won if is_won else lost,
                                status="won" if is_won else "lost",
                                amount=rng.randint(1, 100) * 1000,
                                closed_at=closed_at,
                                created_at=closed_at - timedelta(days=rng.randint(5, 120)),
                            ),
                            strategy,
                        )
                    )
                created = Deal.objects.bulk_create([d for d, _ in rows])
                OpportunityPlan.objects.bulk_create(
                    [
                        OpportunityPlan(
                            deal=d,
                            prompt_version=version,
                            strategy=s,
                            completeness=rng.randint(0, 100),
                        )
                        for d, (_, s) in zip(created, rows, strict=True)
                        if rng.random() < 0.8
                    ]
                )
                DealCompetitor.objects.bulk_create(
                    [
                        DealCompetitor(deal=d, competitor=rng.choice(competitors))
                        for d in created
                        if rng.random() < 0.5
                    ],
                    ignore_conflicts=True,
                )
                people, calls = [], []
                for d in created:
                    contacts_here = by_account[d.account_id]
                    if rng.random() < 0.6:
                        people.append(
                            Stakeholder(
                                deal=d,
                                contact=contacts_here[0],
                                buying_role=rng.choice(["economic_buyer", "champion", "user"]),
                            )
                        )
                    for _ in range(rng.randint(0, 3)):
                        when = d.closed_at - timedelta(days=rng.randint(1, 20))
                        calls.append(
                            Call(
                                owner=d.owner,
                                deal=d,
                                contact=contacts_here[0],
                                status="completed",
                                result="held",
                                channel=rng.choice(["phone", "video", "in_person"]),
                                scheduled_at=when,
                                completed_at=when,
                                purpose="Bench call",
                            )
                        )
                Stakeholder.objects.bulk_create(people, ignore_conflicts=True)
                Call.objects.bulk_create(calls)
            done += size
            self.stdout.write(f"  {done}/{count}")


def _bounds(start, end):
    from opportunities.analysis import _bounds as bounds

    return bounds(start, end)
