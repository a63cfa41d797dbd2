"""Time a full health recompute over N managed accounts and the median My accounts page
for an account manager with 500 of them. Makes its own rows and removes them after.

    python manage.py benchmark_health --accounts 50000
"""

import statistics
import time
import uuid

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from accounts.health.models import AccountHealth, HealthSnapshot
from accounts.health.services import health_recompute
from accounts.models import Account
from salesproc.demo import ensure_default_roles
from salesproc.models import Team, User


class Command(BaseCommand):
    help = "Benchmark the account health recompute and the My accounts page."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=50000)
        parser.add_argument("--page-runs", type=int, default=7)

    def handle(self, *args, accounts, page_runs, **options):
        tag = uuid.uuid4().hex[:8]
        roles = ensure_default_roles()
        team = Team.objects.create(name=f"bench-{tag}")
        managers = [
            User.objects.create_user(
                username=f"bench-{tag}-{n}",
                password="bench",
                team=team,
                role=roles["key-account-manager"],
            )
            for n in range(max(1, accounts // 500))
        ]
        try:
            with transaction.atomic():
                Account.objects.bulk_create(
                    (
                        Account(
                            name=f"Bench {tag} {n:06d}",
                            domain=f"bench{n}-{tag}.test",
                            owner=managers[n % len(managers)],
                            account_manager=managers[n % len(managers)],
                            is_managed=True,
                        )
                        for n in range(accounts)
                    ),
                    batch_size=2000,
                )
            started = time.perf_counter()
            scored = health_recompute()
            recompute = time.perf_counter() - started
            client = Client()
            client.force_login(managers[0])
            timings = []
            with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
                for _ in range(page_runs):
                    started = time.perf_counter()
                    response = client.get("/accounts/mine/?sort=-health")
                    timings.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.status_code
            mine = Account.objects.filter(account_manager=managers[0]).count()
            self.stdout.write(
                f"health recompute of {scored} managed accounts: {recompute:.1f} s\n"
                f"My accounts for an account manager with {mine} accounts: "
                f"median {statistics.median(timings) * 1000:.0f} ms over {page_runs} runs"
            )
        finally:
            bench = Account.all_objects.filter(name__startswith=f"Bench {tag} ")
            HealthSnapshot.objects.filter(account__in=bench).delete()
            AccountHealth.objects.filter(account__in=bench).delete()
            bench.delete()
            User.objects.filter(username__startswith=f"bench-{tag}-").delete()
            team.delete()
