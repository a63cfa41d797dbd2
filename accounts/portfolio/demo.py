"""Demo key accounts: rep3 and rep4 manage about 15 accounts each (customers first), and
every managed account gets its health computed from the other demos' deals and calls."""

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from accounts.health.models import AccountHealth, HealthSnapshot
from accounts.health.scoring import band_for
from accounts.health.services import health_recompute, week_of
from accounts.models import Account
from salesproc.models import User
from salesproc.registry import DemoSeeder, register_demo

ACCOUNT_MANAGERS = ["rep3", "rep4"]
PER_MANAGER = 15


@transaction.atomic
def seed(*, stdout=None):
    managers = list(User.objects.filter(username__in=ACCOUNT_MANAGERS).order_by("username"))
    if len(managers) < len(ACCOUNT_MANAGERS):
        return
    already = Account.objects.filter(is_managed=True, account_manager__in=managers).count()
    if not already:
        # customers first, then prospects; the same accounts on every fresh database
        candidates = list(
            Account.objects.order_by(
                Case(
                    When(status=Account.Status.CUSTOMER, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                "domain",
            ).values_list("pk", flat=True)[: PER_MANAGER * len(managers)]
        )
        for n, manager in enumerate(managers):
            Account.objects.filter(pk__in=candidates[n :: len(managers)]).update(
                is_managed=True, account_manager=manager
            )
    if stdout:
        stdout.write(f"  key accounts: {Account.objects.filter(is_managed=True).count()} managed")


@transaction.atomic
def seed_health(*, stdout=None):
    """After the plans and handoffs: today's health of every managed account, and history."""
    scored = health_recompute()
    _seed_history()
    if stdout:
        stdout.write(f"  account health: {scored} scored, 13 weeks of history")


def _seed_history():
    """12 earlier weeks of health per managed account, drifting towards today's score; the
    lowest-scored accounts slide down from healthy. Idempotent (one row per week)."""
    rng = random.Random(20261201)
    this_week = week_of(timezone.localdate())
    current = list(AccountHealth.objects.filter(account__is_managed=True).order_by("score", "pk"))
    sliding = {h.account_id for h in current[:6]}
    rows = []
    for health in current:
        step = rng.choice([-2, -1, 0, 1, 2]) if health.account_id not in sliding else -4
        for weeks_back in range(1, 13):
            score = max(0, min(100, health.score - step * weeks_back + rng.randint(-3, 3)))
            rows.append(
                HealthSnapshot(
                    account_id=health.account_id,
                    week=this_week - timedelta(weeks=weeks_back),
                    score=score,
                    band=band_for(score),
                )
            )
    HealthSnapshot.objects.bulk_create(rows, ignore_conflicts=True)


def register():
    register_demo(DemoSeeder("key accounts", seed, order=80))
    register_demo(DemoSeeder("account health", seed_health, order=85))
