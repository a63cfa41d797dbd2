"""Demo: a few of rep3's and rep4's key accounts slide into "at risk" for real. Each gets
a deal won 15 months ago and nothing won since, and two deals lost in the last month, on
top of no open pipeline and no held call for months; the account health seeder (which
runs next) then computes their score from these deals like any other account's."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Account
from salesproc.models import User
from salesproc.registry import DemoSeeder, register_demo

from .models import Deal, LostReason, Pipeline, StageChange

ACCOUNT_MANAGERS = ["rep3", "rep4"]
PER_MANAGER = 2
MARK = "(demo: sliding)"  # in the deals' names, so a second run adds nothing


@transaction.atomic
def seed(*, stdout=None):
    if Deal.objects.filter(name__endswith=MARK).exists():
        if stdout:
            stdout.write("  sliding key accounts: already seeded")
        return
    pipeline = Pipeline.objects.filter(is_default=True).first()
    managers = list(User.objects.filter(username__in=ACCOUNT_MANAGERS).order_by("username"))
    if pipeline is None or len(managers) < len(ACCOUNT_MANAGERS):
        return
    stages = {s.kind: s for s in pipeline.stages.exclude(kind="open").order_by("order", "id")}
    first = pipeline.stages.order_by("order", "id").first()
    if "won" not in stages or "lost" not in stages or first is None:
        return
    reason = LostReason.objects.filter(is_active=True).order_by("name").first()
    now = timezone.now()
    # accounts nobody sells to any more: no deal of their own, so the story is these deals
    quiet = Account.objects.filter(is_managed=True).exclude(
        Exists(Deal.objects.filter(account=OuterRef("pk")))
    )
    deals = []
    for manager in managers:
        for account in quiet.filter(account_manager=manager).order_by("domain", "id")[:PER_MANAGER]:
            owner = account.owner or manager
            deals.append(
                _deal(
                    account,
                    owner,
                    f"{account.name} platform {MARK}",
                    pipeline,
                    stages["won"],
                    now - timedelta(days=455),
                    Decimal("36000"),
                    reason=None,
                )
            )
            for days, what in ((12, "expansion"), (30, "add-on")):
                deals.append(
                    _deal(
                        account,
                        owner,
                        f"{account.name} {what} {MARK}",
                        pipeline,
                        stages["lost"],
                        now - timedelta(days=days),
                        Decimal("15000"),
                        reason=reason,
                    )
                )
    Deal.objects.bulk_create(deals)
    StageChange.objects.bulk_create(
        StageChange(
            deal=deal,
            from_stage=first,
            to_stage=deal.stage,
            changed_by=deal.owner,
            changed_at=deal.closed_at,
        )
        for deal in deals
    )
    if stdout:
        stdout.write(f"  sliding key accounts: {len(deals) // 3} with recent losses")


def _deal(account, owner, name, pipeline, stage, closed_at, amount, *, reason):
    lost = stage.kind == "lost"
    return Deal(
        name=name,
        account=account,
        owner=owner,
        pipeline=pipeline,
        stage=stage,
        amount=amount,
        currency="EUR",
        expected_close_date=timezone.localtime(closed_at).date(),
        status=Deal.Status.LOST if lost else Deal.Status.WON,
        lost_reason=reason if lost else None,
        lost_reason_detail="Went with a cheaper supplier." if lost else "",
        closed_at=closed_at,
        stage_entered_at=closed_at,
        created_at=closed_at - timedelta(days=45),
    )


def register():
    # after the key accounts (80), their plans and handoffs; before their health (85)
    register_demo(DemoSeeder("sliding key accounts", seed, order=83))
