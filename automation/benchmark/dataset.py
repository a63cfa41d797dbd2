"""Grow the demo org to the benchmark's sizes with batched bulk inserts (no services, no
events: the benchmark measures reads)."""

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account, Contact
from calls.models import Call, CallQuestion
from deals.models import Deal, Pipeline
from leads.models import Lead
from salesproc.demo import ensure_default_roles
from salesproc.models import Team, User

PREFIX = "Scale"  # every generated account, lead and deal name starts with it
BATCH = 5000
EXTRA_TEAMS = ("Scale East", "Scale West", "Scale Central")
EXTRA_REPS = 16

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "te",
    "vo",
    "su",
    "ne",
    "bi",
    "da",
    "po",
    "fu",
    "ge",
    "hi",
    "ja",
    "ru",
    "so",
    "ti",
]
FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Eva",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jon",
    "Kai",
    "Lena",
    "Mark",
    "Nora",
    "Omar",
    "Pia",
]
LAST = [
    "Adler",
    "Berg",
    "Costa",
    "Dahl",
    "Eklund",
    "Fischer",
    "Garcia",
    "Haas",
    "Iversen",
    "Jansen",
    "Keller",
    "Lund",
]
INDUSTRIES = ["Software", "Manufacturing", "Healthcare", "Logistics", "Retail", "Energy"]
PLACES = [
    ("United Kingdom", "London", 51.5072, -0.1276),
    ("Germany", "Munich", 48.1351, 11.5820),
    ("France", "Paris", 48.8566, 2.3522),
    ("Spain", "Barcelona", 41.3874, 2.1686),
    ("United States", "Austin", 30.2672, -97.7431),
]
SOURCES = ["web", "referral", "event", "import", "partner", "cold"]


def _word(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def people():
    """The demo's people plus 16 more reps over the demo teams and three new ones: a rep
    sees about a twentieth of the data, a manager a team's share, an admin all of it."""
    if not User.objects.filter(username="rep1").exists():
        call_command("seed_demo")
    roles = ensure_default_roles()
    teams = list(Team.objects.filter(name="North"))
    for name in EXTRA_TEAMS:
        team, _ = Team.objects.get_or_create(name=name)
        teams.append(team)
    for i in range(EXTRA_REPS):
        User.objects.get_or_create(
            username=f"scale_rep{i}",
            defaults={"role": roles["inside-rep"], "team": teams[i % len(teams)]},
        )
    reps = list(User.objects.filter(role__slug__in=["inside-rep", "field-rep"]).order_by("pk"))
    reps += list(
        User.objects.filter(username__in=["rep3", "rep4"]).exclude(pk__in=[r.pk for r in reps])
    )
    return {
        "rep": User.objects.get(username="rep1"),
        "manager": User.objects.get(username="manager1"),
        "admin": User.objects.get(username="admin"),
        "owners": reps,
    }


def _batches(total, have):
    done = have
    while done < total:
        size = min(BATCH, total - done)
        yield done, size
        done += size


def build(*, sizes, stdout, seed=11):
    """Top every kind up to its size (re-running adds only what is missing)."""
    crowd = people()
    owners = crowd["owners"]
    rng = random.Random(seed)
    started = time.perf_counter()
    _accounts(sizes["accounts"], owners, rng, stdout)
    _contacts(sizes["contacts"], rng, stdout)
    _deals(sizes["deals"], rng, stdout)
    _leads(sizes["leads"], owners, rng, stdout)
    _calls(sizes["calls"], rng, stdout)
    if connection.vendor == "postgresql":
        # Planner statistics after the bulk load, and the visibility map (what autovacuum
        # does a little later on a live database), so index-only scans read no heap.
        # VACUUM cannot run in a transaction: only outside one (the command's default).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    stdout.write(f"data set ready in {time.perf_counter() - started:.0f} s")
    return crowd


def _report(stdout, kind, done, total):
    stdout.write(f"  {kind}: {done}/{total}")


def _accounts(total, owners, rng, stdout):
    have = Account.all_objects.filter(name__startswith=PREFIX).count()
    for done, size in _batches(total, have):
        rows = []
        for i in range(size):
            country, city, lat, lon = rng.choice(PLACES)
            rows.append(
                Account(
                    name=f"{PREFIX} {_word(rng)} {_word(rng)} {done + i}",
                    industry=rng.choice(INDUSTRIES),
                    country=country,
                    city=city,
                    employee_count=rng.randint(5, 5000),
                    latitude=Decimal(f"{lat + rng.uniform(-0.5, 0.5):.6f}"),
                    longitude=Decimal(f"{lon + rng.uniform(-0.5, 0.5):.6f}"),
                    owner=rng.choice(owners),
                )
            )
        with transaction.atomic():
            Account.objects.bulk_create(rows, batch_size=BATCH)
        _report(stdout, "accounts", done + size, total)


def _scale_accounts():
    return list(
        Account.all_objects.filter(name__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", "owner_id")
    )


def _contacts(total, rng, stdout):
    have = Contact.all_objects.filter(account__name__startswith=PREFIX).count()
    if have >= total:
        return
    accounts = _scale_accounts()
    for done, size in _batches(total, have):
        rows = []
        for i in range(size):
            account_id, owner_id = accounts[(done + i) % len(accounts)]
            first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{_word(rng).lower()}"
            rows.append(
                Contact(
                    account_id=account_id,
                    owner_id=owner_id,
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}.{last.lower()}{done + i}@example.com",
                )
            )
        with transaction.atomic():
            Contact.objects.bulk_create(rows, batch_size=BATCH)
        _report(stdout, "contacts", done + size, total)


def _deals(total, rng, stdout):
    have = Deal.all_objects.filter(name__startswith=PREFIX).count()
    if have >= total:
        return
    accounts = _scale_accounts()
    pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.first()
    stages = list(pipeline.stages.order_by("order"))
    open_stages = [s for s in stages if s.kind == "open"]
    won = next(s for s in stages if s.kind == "won")
    lost = next(s for s in stages if s.kind == "lost")
    now = timezone.now()
    today = timezone.localdate()
    for done, size in _batches(total, have):
        rows = []
        for i in range(size):
            account_id, owner_id = accounts[(done + i) % len(accounts)]
            roll = rng.random()
            stage = won if roll < 0.2 else lost if roll < 0.35 else rng.choice(open_stages)
            created = now - timedelta(days=rng.randint(1, 500))
            closed = stage.kind != "open"
            rows.append(
                Deal(
                    name=f"{PREFIX} {_word(rng)} deal {done + i}",
                    account_id=account_id,
                    owner_id=owner_id,
                    pipeline=pipeline,
                    stage=stage,
                    status=stage.kind if closed else "open",
                    amount=Decimal(rng.randint(1, 200) * 500),
                    expected_close_date=today + timedelta(days=rng.randint(-60, 180)),
                    closed_at=created + timedelta(days=rng.randint(5, 90)) if closed else None,
                    created_at=created,
                    stage_entered_at=created,
                )
            )
        with transaction.atomic():
            Deal.objects.bulk_create(rows, batch_size=BATCH)
        _report(stdout, "deals", done + size, total)


def _leads(total, owners, rng, stdout):
    have = Lead.all_objects.filter(company_name__startswith=PREFIX).count()
    for done, size in _batches(total, have):
        rows = []
        for i in range(size):
            status = rng.choice(["new", "new", "working", "qualified", "disqualified"])
            rows.append(
                Lead(
                    first_name=rng.choice(FIRST),
                    last_name=f"{rng.choice(LAST)}{_word(rng).lower()}",
                    email=f"lead{done + i}@example.org",
                    company_name=f"{PREFIX} {_word(rng)} {done + i}",
                    source=rng.choice(SOURCES),
                    status=status,
                    score=rng.choice([None, *range(0, 101, 5)]),
                    owner=rng.choice(owners),
                    created_at=timezone.now() - timedelta(days=rng.randint(0, 400)),
                )
            )
        with transaction.atomic():
            Lead.objects.bulk_create(rows, batch_size=BATCH)
        _report(stdout, "leads", done + size, total)


def _ratings(rng):
    return {
        f"rating_{name}": rng.randint(1, 5)
        for name in ("preparation", "questioning", "objection_handling", "next_step")
    }


def _calls(total, rng, stdout):
    have = Call.all_objects.filter(purpose__startswith=PREFIX).count()
    if have >= total:
        return
    contacts = list(
        Contact.all_objects.filter(account__name__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", "account_id", "owner_id")
    )
    deal_of = dict(
        Deal.all_objects.filter(name__startswith=PREFIX, status="open")
        .order_by("account_id", "pk")
        .values_list("account_id", "pk")
    )
    now = timezone.now()
    for done, size in _batches(total, have):
        rows = []
        for i in range(size):
            contact_id, account_id, owner_id = contacts[(done + i) % len(contacts)]
            when = now + timedelta(hours=rng.randint(-24 * 300, 24 * 30))
            past = when < now
            status = (
                rng.choice(["completed", "debriefed", "debriefed", "reviewed", "no_show"])
                if past
                else "planned"
            )
            held = status in ("completed", "debriefed", "reviewed")
            rows.append(
                Call(
                    owner_id=owner_id,
                    contact_id=contact_id,
                    account_id=account_id,
                    deal_id=deal_of.get(account_id) if rng.random() < 0.5 else None,
                    status=status,
                    scheduled_at=when,
                    channel=rng.choice(["phone", "video", "in_person"]),
                    purpose=f"{PREFIX} {_word(rng)} check-in",
                    result="held" if held else ("no_show" if status == "no_show" else ""),
                    completed_at=when if past else None,
                    duration_minutes=rng.randint(10, 60) if held else None,
                    debriefed_at=when if status in ("debriefed", "reviewed") else None,
                    review_requested_at=when
                    if status == "debriefed" and rng.random() < 0.3
                    else None,
                    reviewed_at=when if status == "reviewed" else None,
                    **(_ratings(rng) if status == "reviewed" else {}),
                    created_at=when - timedelta(days=2),
                )
            )
        with transaction.atomic():
            created = Call.objects.bulk_create(rows, batch_size=BATCH)
            questions = [
                CallQuestion(call=call, order=n, text=f"Question {n}", asked=True, answer="Yes")
                for call in created
                if call.debriefed_at is not None
                for n in range(4)
            ]
            CallQuestion.objects.bulk_create(questions, batch_size=BATCH)
        _report(stdout, "calls", done + size, total)
