"""Demo territories: a North of England region with North-West (rep2, about 60 accounts
around Manchester and Liverpool) and Yorkshire (a second field rep in team North)."""

import random
from decimal import Decimal

from django.db import transaction

from accounts.models import Account
from salesproc.models import SalesRole, Team, User
from salesproc.registry import DemoSeeder, register_demo

from .models import AssignmentRule, PotentialBand, RepBase, Territory
from .services import reassign_accounts

# city, postcode prefix, latitude, longitude
NORTH_WEST = [
    ("Manchester", "M1", 53.4808, -2.2426),
    ("Salford", "M5", 53.4875, -2.2901),
    ("Stockport", "SK1", 53.4106, -2.1575),
    ("Bolton", "BL1", 53.5769, -2.4282),
    ("Wigan", "WN1", 53.5450, -2.6325),
    ("Warrington", "WA1", 53.3900, -2.5970),
    ("Liverpool", "L1", 53.4084, -2.9916),
    ("Preston", "PR1", 53.7632, -2.7031),
    ("Blackburn", "BB1", 53.7486, -2.4875),
    ("Chester", "CH1", 53.1934, -2.8931),
    ("Lancaster", "LA1", 54.0466, -2.8007),
    ("Oldham", "OL1", 53.5409, -2.1114),
]
YORKSHIRE = [
    ("Leeds", "LS1", 53.8008, -1.5491),
    ("Bradford", "BD1", 53.7960, -1.7594),
    ("Sheffield", "S1", 53.3811, -1.4701),
    ("York", "YO1", 53.9590, -1.0815),
    ("Huddersfield", "HD1", 53.6458, -1.7850),
    ("Wakefield", "WF1", 53.6830, -1.4977),
]
INDUSTRIES = ["Manufacturing", "Logistics", "Healthcare", "Retail", "Construction", "Software"]
NAMES_A = ["Pennine", "Mersey", "Irwell", "Ribble", "Mancunian", "Red Rose", "Lune", "Dee",
           "Calder", "Aire", "Ouse", "Don", "Wharfe", "Cotton", "Canal", "Mill"]  # fmt: skip
NAMES_B = ["Engineering", "Freight", "Clinics", "Stores", "Builders", "Software", "Foods",
           "Plastics", "Textiles", "Print"]  # fmt: skip


def _field_rep(username, first, last):
    team = Team.objects.get(name="North")
    role = SalesRole.objects.get(slug="field-rep")
    user = User.objects.filter(username=username).first()
    if user is None:
        from salesproc.demo import DEMO_PASSWORD

        user = User(username=username, first_name=first, last_name=last)
        user.email = f"{username}@demo.salesproc.test"
        user.set_password(DEMO_PASSWORD)
    user.role, user.team = role, team
    user.save()
    return user


def _accounts(owner, places, count, region, rnd):
    made = []
    for n in range(count):
        city, postcode, lat, lon = places[n % len(places)]
        name = f"{rnd.choice(NAMES_A)} {rnd.choice(NAMES_B)} {city}"
        if Account.all_objects.filter(name=name).exists():
            name = f"{name} {n + 1}"
        account, _ = Account.all_objects.get_or_create(
            name=name,
            defaults={
                "owner": owner,
                "industry": rnd.choice(INDUSTRIES),
                "employee_count": rnd.choice([15, 40, 80, 150, 300, 650, 1200, 2500]),
                "annual_revenue": Decimal(rnd.choice([800, 2500, 6000, 15000, 40000])) * 1000,
                "country": "United Kingdom",
                "region": region,
                "city": city,
                "postcode": f"{postcode} {rnd.randint(1, 9)}{rnd.choice('ABDEFGHJ')}"
                f"{rnd.choice('LNPQRSTU')}",
                "latitude": Decimal(str(round(lat + rnd.uniform(-0.04, 0.04), 6))),
                "longitude": Decimal(str(round(lon + rnd.uniform(-0.06, 0.06), 6))),
                "status": rnd.choice(["prospect", "customer", "customer", "former"]),
            },
        )
        made.append(account)
    return made


@transaction.atomic
def seed_territories(*, stdout=None):
    rep2 = User.objects.filter(username="rep2").first()
    if rep2 is None:
        return
    rep5 = _field_rep("rep5", "Finn", "Berg")
    north = Team.objects.get(name="North")
    if not Account.all_objects.filter(region="North West", owner=rep2).exists():
        rnd = random.Random(12)
        _accounts(rep2, NORTH_WEST, 60, "North West", rnd)
        _accounts(rep5, YORKSHIRE, 30, "Yorkshire and the Humber", rnd)
    region, _ = Territory.objects.get_or_create(name="North of England", defaults={"team": north})
    north_west, _ = Territory.objects.get_or_create(
        name="North-West", defaults={"parent": region, "rep": rep2, "team": north}
    )
    yorkshire, _ = Territory.objects.get_or_create(
        name="Yorkshire", defaults={"parent": region, "rep": rep5, "team": north}
    )
    if not AssignmentRule.objects.exists():
        # Yorkshire first: the North-West's "L" prefix would also take Leeds (LS).
        AssignmentRule.objects.create(
            territory=yorkshire, priority=10, regions=["Yorkshire and the Humber"]
        )
        AssignmentRule.objects.create(
            territory=north_west,
            priority=20,
            countries=["United Kingdom"],
            postcode_prefixes=["M", "SK", "BL", "WN", "WA", "L", "PR", "BB", "CH", "LA", "OL"],
        )
    if not PotentialBand.objects.exists():
        for industry, small, large in (
            ("", Decimal("6000"), Decimal("30000")),
            ("Manufacturing", Decimal("12000"), Decimal("90000")),
            ("Healthcare", Decimal("10000"), Decimal("120000")),
            ("Software", Decimal("8000"), Decimal("60000")),
        ):
            PotentialBand.objects.create(industry=industry, employees_max=249, yearly_value=small)
            PotentialBand.objects.create(industry=industry, employees_min=250, yearly_value=large)
    if not PotentialBand.objects.filter(basis=PotentialBand.Basis.REVENUE).exists():
        # Logistics and retail are sized by revenue, not headcount.
        for industry in ("Logistics", "Retail"):
            for low, high, value in (
                (None, Decimal("4999999.99"), Decimal("7000")),
                (Decimal("5000000"), Decimal("24999999.99"), Decimal("40000")),
                (Decimal("25000000"), None, Decimal("110000")),
            ):
                PotentialBand.objects.create(
                    industry=industry,
                    basis=PotentialBand.Basis.REVENUE,
                    revenue_min=low,
                    revenue_max=high,
                    yearly_value=value,
                )
    moved = reassign_accounts()
    for rep, label, lat, lon in (
        (rep2, "Manchester office", "53.480800", "-2.242600"),
        (rep5, "Leeds office", "53.800800", "-1.549100"),
    ):
        RepBase.objects.get_or_create(
            rep=rep, defaults={"label": label, "latitude": Decimal(lat), "longitude": Decimal(lon)}
        )
    _held_visits(rep2, north_west)
    _plan_awaiting_review(rep2, north_west)
    if stdout:
        stdout.write(f"  territories: 3 territories, {moved} accounts placed")


def _held_visits(rep, territory):
    """12 weeks of visits that went mostly to small accounts: some A accounts are
    under-served, which the proposed pattern puts right."""
    from datetime import timedelta

    from django.utils import timezone

    from calls.models import Call

    from .potential.selectors import with_tier

    purpose = "Territory visit (demo history)"
    if Call.all_objects.filter(owner=rep, purpose=purpose).exists():
        return
    accounts = list(
        with_tier(
            Account.objects.filter(territory_assignment__territory=territory),
            territory_ids=[territory.pk],
        ).values_list("pk", "tier")
    )
    small = [pk for pk, tier in accounts if tier in ("C", "D")]
    big = [pk for pk, tier in accounts if tier in ("A", "B")]
    rnd = random.Random(3)
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    rows = []
    for week in range(1, 13):
        picks = rnd.sample(small, min(5, len(small))) + big[week % max(1, len(big)) :][:1]
        for n, account_id in enumerate(picks):
            when = now - timedelta(weeks=week, days=n % 5)
            rows.append(
                Call(
                    owner=rep,
                    account_id=account_id,
                    scheduled_at=when,
                    status=Call.Status.COMPLETED,
                    result=Call.Result.HELD,
                    completed_at=when + timedelta(hours=1),
                    duration_minutes=45,
                    outcome="Visited; relationship steady.",
                    channel=Call.Channel.IN_PERSON,
                    purpose=purpose,
                )
            )
    Call.objects.bulk_create(rows)


def _plan_awaiting_review(rep, territory):
    from datetime import date

    from .models import TerritoryPlan
    from .plans import services as plans

    if TerritoryPlan.objects.filter(territory=territory).exists():
        return
    today = date.today()
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    from datetime import timedelta

    plan = plans.territory_plan_create(
        actor=rep, territory=territory, period_start=start, period_end=end - timedelta(days=1)
    )
    rows = list(plan.top_accounts.order_by("rank")[:3])
    plans.territory_plan_update(
        actor=rep,
        plan=plan,
        notes={
            row.account_id: note
            for row, note in zip(
                rows,
                [
                    "Biggest potential: plan a site visit with operations every fortnight.",
                    "Renewal in spring; bring the account manager in early.",
                    "New buyer since January; rebuild the relationship in person.",
                ],
                strict=False,
            )
        },
        service_text="Tier A in person at least monthly, tier B every other month, C by video "
        "each quarter, D by phone twice a year. Overdue A accounts first every Monday.",
        coverage_target_percent=90,
    )
    plans.territory_plan_submit(actor=rep, plan=plan)


def register():
    register_demo(DemoSeeder("territories", seed_territories, order=70))
