"""Time the global search at N records of each searchable type (PostgreSQL).

    python manage.py benchmark_search --records 100000

Builds accounts, contacts, leads, deals and calls with set-based INSERT ... SELECT over
generate_series (the search-vector trigger fills each row), spread over 20 reps in two
teams, ANALYZEs, then prints the median time of a whole grouped search (every type, the
header dropdown's five per type) for a rep, a manager and an admin over a mix of
queries: whole names, prefixes, typos, emails; first with the typo dictionary empty
(trigram similarity over every name), then rebuilt (salesproc.search.words). Everything runs in one transaction that
is rolled back: the database is left as it was.
"""

import os
import statistics
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account, Contact
from calls.models import Call
from deals.models import Deal, Pipeline, Stage
from leads.models import Lead
from salesproc.demo import ensure_default_roles
from salesproc.models import Team, User
from salesproc.search import search_all
from salesproc.search.words import refresh_words

FIRST = [
    "Nora", "Liam", "Aisha", "Kenji", "Mina", "Oskar", "Priya", "Hugo", "Lena", "Omar",
    "Chloe", "Yara", "Ravi", "Sofia", "Ben", "Ines", "Tariq", "Elena", "Felix", "Ada",
]  # fmt: skip
LAST = [
    "Lindqvist", "Moreau", "Rossi", "Tanaka", "Becker", "Evans", "Costa", "Garcia",
    "Fischer", "Khan", "Dubois", "Schmidt", "Okafor", "Novak", "Walsh", "Nakamura",
    "Ivanova", "Haddad", "Jensen", "Morales",
]  # fmt: skip
WORD = [
    "Aspen", "Birch", "Cedar", "Alder", "Maple", "Rowan", "Willow", "Hazel", "Linden",
    "Juniper", "Northwind", "Granite", "Lumen", "Beacon", "Harbor", "Summit", "Copper",
    "Oakridge", "Evergreen", "Crescent",
]  # fmt: skip
KIND = [
    "Robotics", "Foods", "Analytics", "Logistics", "Studios", "Clinics", "Energy", "Bank",
    "Retail", "Software", "Systems", "Media", "Textiles", "Plastics", "Print", "Health",
    "Partners", "Labs", "Mills", "Works",
]  # fmt: skip
QUERIES = [
    "Aspen Robotics",  # a whole company name
    "cedar",  # one word
    "northw",  # a prefix
    "Lindqvist",  # a surname
    "nora lindq",  # a person, partly typed
    "Aspn Robotcs",  # typos
    "Evergreen Analytcs",
    "granite media 1234",  # a name with its number
    "oskar.tanaka",  # an email's start
    "Beacon Health",
]


def _array(words):
    return "ARRAY[" + ", ".join("'" + w + "'" for w in words) + "]"


def _pick(words, step):
    return f"({_array(words)})[1 + ((i / {step}) % {len(words)})]"


class Command(BaseCommand):
    help = "Benchmark the global search at 100,000 records of each type (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=5, help="Runs of each query.")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Commit the rows (to study plans); default: roll back.",
        )

    def handle(self, *args, records, runs, keep=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The search benchmark runs on PostgreSQL (DATABASE_URL).")
        with transaction.atomic():
            rep, manager, admin = self._people()
            started = time.perf_counter()
            self._build(records, self._reps)
            with connection.cursor() as cursor:
                for model in (Account, Contact, Lead, Deal, Call):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
            built = time.perf_counter() - started
            self.stdout.write(
                f"built {records:,} each of accounts, contacts, leads, deals and calls "
                f"in {built:.0f} s"
            )
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM salesproc_searchword")  # typos: the name scan
            self.stdout.write("typo dictionary off (trigram similarity over every name):")
            self._measure(rep, manager, admin, runs, options["verbosity"])
            started = time.perf_counter()
            words = refresh_words()
            self.stdout.write(
                f"typo dictionary on ({words:,} words, rebuilt in "
                f"{time.perf_counter() - started:.1f} s):"
            )
            self._measure(rep, manager, admin, runs, options["verbosity"])
            with connection.cursor() as cursor:  # once more without: warm caches both ways
                cursor.execute("DELETE FROM salesproc_searchword")
            self.stdout.write("typo dictionary off again (caches now warm):")
            self._measure(rep, manager, admin, runs, options["verbosity"])
            self.stdout.write(
                "load average while measuring: "
                + ", ".join(f"{x:.1f}" for x in os.getloadavg())
                + f" on {os.cpu_count()} CPUs"
            )
            transaction.set_rollback(not keep)

    def _measure(self, rep, manager, admin, runs, verbosity):
        for label, user in (("rep", rep), ("manager", manager), ("admin", admin)):
            for query in QUERIES:  # warm up: the URLconf, the caches, the plans
                search_all(user=user, query=query)
            timings, per_query = [], {}
            for _ in range(runs):
                for query in QUERIES:
                    begun = time.perf_counter()
                    search_all(user=user, query=query)
                    elapsed = (time.perf_counter() - begun) * 1000
                    timings.append(elapsed)
                    per_query.setdefault(query, []).append(elapsed)
            timings.sort()
            if verbosity > 1:
                for query, times in per_query.items():
                    self.stdout.write(f"  {query!r}: {statistics.median(times):.1f} ms")
            self.stdout.write(
                f"{label:8} sees {Account.objects.visible_to(user).count():>7,} accounts: "
                f"median {statistics.median(timings):6.1f} ms, "
                f"p90 {timings[int(len(timings) * 0.9)]:6.1f} ms, "
                f"max {timings[-1]:6.1f} ms ({len(timings)} searches)"
            )

    def _people(self):
        tag = uuid.uuid4().hex[:6]
        roles = ensure_default_roles()
        teams = [Team.objects.create(name=f"bench-{tag}-{n}") for n in range(2)]
        managers = []
        for n, team in enumerate(teams):
            managers.append(
                User.objects.create(
                    username=f"bench-{tag}-manager{n}", team=team, role=roles["sales-manager"]
                )
            )
            team.manager = managers[-1]
            team.save(update_fields=["manager"])
        self._reps = [
            User.objects.create(
                username=f"bench-{tag}-rep{n}", team=teams[n % 2], role=roles["inside-rep"]
            )
            for n in range(20)
        ]
        admin = User.objects.create(username=f"bench-{tag}-admin", role=roles["admin"])
        return self._reps[0], managers[0], admin

    def _insert(self, model, count, values):
        """INSERT ... SELECT over generate_series: values maps each column to an SQL
        expression of i; every other NOT NULL column gets its Python default."""
        columns, exprs, params = [], [], []
        template = model()
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            if field.column in values:
                columns.append(field.column)
                exprs.append(values[field.column].replace("%", "%%"))  # not a parameter
            elif not field.null:
                columns.append(field.column)
                exprs.append("%s")
                value = getattr(template, field.attname)
                params.append(field.get_db_prep_save(value, connection))
        table = model._meta.db_table
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(exprs)} FROM generate_series(0, {count - 1}) AS i"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.execute(f"SELECT max(id) - {count - 1} FROM {table}")
            return cursor.fetchone()[0]

    def _build(self, count, reps):
        # Each rep owns every name combination (they repeat every 400 rows).
        owners = "(ARRAY[" + ", ".join(str(r.pk) for r in reps) + "])[1 + ((i / 400) % 20)]"
        now = timezone.now()
        company = f"{_pick(WORD, 1)} || ' ' || {_pick(KIND, 20)} || ' ' || i"
        first = _pick(FIRST, 3)
        last = _pick(LAST, 7)
        email = f"lower({first}) || '.' || lower({last}) || i || '@example.test'"
        when = f"'{now.isoformat()}'::timestamptz"
        first_account = self._insert(
            Account,
            count,
            {
                "name": company,
                "domain": "'site' || i || '.example.test'",
                "owner_id": owners,
                "created_at": when,
                "updated_at": when,
            },
        )
        account = f"{first_account} + i"
        self._insert(
            Contact,
            count,
            {
                "first_name": first,
                "last_name": last,
                "email": email,
                "account_id": account,
                "owner_id": owners,
                "created_at": when,
                "updated_at": when,
            },
        )
        self._insert(
            Lead,
            count,
            {
                "first_name": first,
                "last_name": last,
                "company_name": company,
                "email": email,
                "owner_id": owners,
                "created_at": when,
                "updated_at": when,
            },
        )
        pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.create(
            name=f"bench-{uuid.uuid4().hex[:6]}", is_default=True
        )
        stage = pipeline.stages.first() or Stage.objects.create(
            pipeline=pipeline, name="Discovery", order=1, probability=10
        )
        self._insert(
            Deal,
            count,
            {
                "name": f"{company} || ': ' || {_pick(['pilot', 'renewal', 'expansion'], 1)}",
                "account_id": account,
                "owner_id": owners,
                "pipeline_id": str(pipeline.pk),
                "stage_id": str(stage.pk),
                "created_at": when,
                "updated_at": when,
                "stage_entered_at": when,
            },
        )
        self._insert(
            Call,
            count,
            {
                "purpose": f"'Discovery with ' || {company}",
                "account_id": account,
                "owner_id": owners,
                "scheduled_at": f"{when} + (i % 365) * interval '1 day'",
                "created_at": when,
                "updated_at": when,
            },
        )
