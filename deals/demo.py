"""Demo deal records: two pipelines, a product catalogue, lost reasons and about 200 deals
over the four demo reps, with stage histories spread over the last six months.

Idempotent: configuration is matched by name or code, and the deals are seeded once
(a second run finds them and leaves them alone). Deterministic: one seeded Random.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Contact
from salesproc.models import Event, EventReference, User
from salesproc.registry import DemoSeeder, register_demo

from .models import Deal, LineItem, LostReason, Pipeline, Product, Stage, StageChange

SEED = 20261128
REPS = ["rep1", "rep2", "rep3", "rep4"]
DEALS_PER_REP = 50
HISTORY_DAYS = 182

# name, kind, probability, stalled after days, default forecast category, exit criteria
NEW_BUSINESS = [
    (
        "Prospecting",
        "open",
        10,
        14,
        "pipeline",
        ["Business problem confirmed with the buyer", "Budget range discussed"],
    ),
    (
        "Discovery",
        "open",
        25,
        21,
        "pipeline",
        ["Decision maker identified", "Budget confirmed", "Timeline agreed"],
    ),
    ("Proposal", "open", 50, 21, "best_case", ["Proposal sent", "Pricing approved internally"]),
    (
        "Negotiation",
        "open",
        75,
        14,
        "commit",
        ["Legal review started", "Verbal yes from the decision maker"],
    ),
    ("Closed won", "won", 100, None, "closed", []),
    ("Closed lost", "lost", 0, None, "omitted", []),
]
RENEWALS = [
    ("Renewal due", "open", 60, 30, "best_case", ["Usage reviewed with the customer"]),
    ("Terms offered", "open", 80, 21, "commit", ["Renewal quote sent"]),
    ("Closed won", "won", 100, None, "closed", []),
    ("Closed lost", "lost", 0, None, "omitted", []),
]
PRODUCTS = [
    # code, name, unit price, on sale
    ("ANL-PLAT", "Analytics platform licence", "12000", True),
    ("ANL-SEAT", "Analytics user seat", "480", True),
    ("CON-PACK", "Data connector pack", "3500", True),
    ("MOD-CMP", "Compliance module", "8000", True),
    ("MOD-MOB", "Mobile app add-on", "3000", True),
    ("SUP-STD", "Standard support (1 year)", "2400", True),
    ("SUP-PREM", "Premium support (1 year)", "6000", True),
    ("SRV-ONB", "Onboarding package", "4500", True),
    ("SRV-TRN", "Training day", "1200", True),
    ("SRV-INT", "Custom integration", "15000", True),
    ("LEG-REP", "Legacy reporting add-on", "1500", False),
]
LOST_REASONS = [
    "Price",
    "Chose a competitor",
    "No budget",
    "No decision (went quiet)",
    "Bad timing",
    "Missing feature",
]
LOST_DETAILS = {
    "Price": ["Came in 20% over their budget.", "Competitor discounted heavily.", ""],
    "Chose a competitor": [
        "Went with the incumbent's bundle.",
        "Preferred a local supplier.",
        "",
    ],
    "No budget": ["Budget frozen for the year.", "Project deprioritised by finance."],
    "No decision (went quiet)": ["Champion left the company.", "No reply after the proposal."],
    "Bad timing": ["Revisit after their reorganisation.", "Busy with an ERP migration."],
    "Missing feature": ["Needed on-premise hosting.", "Wanted a native SAP connector."],
}
THEMES = [
    "analytics rollout",
    "reporting upgrade",
    "data platform",
    "compliance project",
    "team expansion",
    "pilot",
    "integration project",
    "regional rollout",
]


def _ensure_pipeline(name, plan, *, is_default, order):
    pipeline, _ = Pipeline.objects.get_or_create(
        name=name, defaults={"is_default": is_default, "order": order}
    )
    existing = {s.name: s for s in pipeline.stages.all()}
    for position, (stage_name, kind, probability, stalled, category, criteria) in enumerate(plan):
        if stage_name in existing:
            continue
        existing[stage_name] = Stage.objects.create(
            pipeline=pipeline,
            name=stage_name,
            kind=kind,
            order=position,
            probability=probability,
            stalled_after_days=stalled,
            default_forecast_category=category,
            exit_criteria=criteria,
        )
    if is_default and not Pipeline.objects.filter(is_default=True).exists():
        Pipeline.objects.filter(pk=pipeline.pk).update(is_default=True)
    return pipeline


def _ensure_catalogue():
    have = set(Product.objects.values_list("code", flat=True))
    Product.objects.bulk_create(
        [
            Product(code=code, name=name, unit_price=Decimal(price), is_active=active)
            for code, name, price, active in PRODUCTS
            if code not in have
        ]
    )
    reasons = set(LostReason.objects.values_list("name", flat=True))
    LostReason.objects.bulk_create(
        [LostReason(name=name) for name in LOST_REASONS if name not in reasons]
    )


def _month_offset(today, months):
    year, month = today.year, today.month + months
    while month > 12:
        year, month = year + 1, month - 12
    return today.replace(year=year, month=month, day=1)


def _line_plan(rng, products, deal_type, bought):
    """1-3 line items: a platform deal, add-ons for up-sell, new products for cross-sell."""
    by_code = {p.code: p for p in products}
    if deal_type == Deal.Type.RENEWAL:
        picks = [("SUP-PREM" if rng.random() < 0.5 else "SUP-STD", 1), ("ANL-SEAT", 10)]
    elif deal_type == Deal.Type.UPSELL and bought:
        picks = [(rng.choice(sorted(bought)), rng.choice([5, 10, 20]))]
    elif deal_type == Deal.Type.CROSS_SELL:
        fresh = [p.code for p in products if p.code not in bought]
        picks = [(rng.choice(fresh or ["MOD-CMP"]), 1)]
    else:
        picks = [("ANL-PLAT", 1), ("ANL-SEAT", rng.choice([5, 10, 25, 40]))]
        if rng.random() < 0.6:
            picks.append((rng.choice(["SRV-ONB", "SUP-STD", "CON-PACK", "SRV-TRN"]), 1))
    lines = []
    for code, quantity in picks:
        product = by_code.get(code)
        if product is None or not product.is_active:
            continue
        discount = rng.choice([0, 0, 0, 5, 10, 15])
        lines.append((product, Decimal(quantity), product.unit_price, Decimal(discount)))
    return lines


def _total(lines):
    total = Decimal("0")
    for _, quantity, price, discount in lines:
        total += (quantity * price * (Decimal("100") - discount) / Decimal("100")).quantize(
            Decimal("0.01")
        )
    return total


@transaction.atomic
def seed(*, stdout=None):
    rng = random.Random(SEED)
    new_business = _ensure_pipeline("New business", NEW_BUSINESS, is_default=True, order=0)
    renewals = _ensure_pipeline("Renewals", RENEWALS, is_default=False, order=1)
    _ensure_catalogue()
    reps = {u.username: u for u in User.objects.filter(username__in=REPS)}
    if len(reps) < len(REPS):
        return
    if Deal.objects.filter(owner__in=reps.values(), pipeline__in=[new_business, renewals]).exists():
        if stdout:
            stdout.write(f"  deals: {Deal.objects.count()} (already seeded)")
        return
    products = list(Product.objects.order_by("code"))
    reasons = list(LostReason.objects.filter(is_active=True).order_by("name"))
    accounts_by_owner = {}
    for account in Account.objects.filter(owner__in=reps.values()).order_by("id"):
        accounts_by_owner.setdefault(account.owner_id, []).append(account)
    contacts_by_account = {}
    for contact in Contact.objects.filter(account__owner__in=reps.values()).order_by("id"):
        contacts_by_account.setdefault(contact.account_id, []).append(contact)

    now = timezone.now()
    today = timezone.localdate()
    stages = {
        pipeline.pk: list(pipeline.stages.order_by("order", "id"))
        for pipeline in (new_business, renewals)
    }
    plans = []
    bought_by_account = {}
    for username in REPS:
        rep = reps[username]
        accounts = accounts_by_owner.get(rep.pk, [])
        if not accounts:
            continue
        for _ in range(DEALS_PER_REP):
            plans.append(_plan_deal(rng, rep, accounts, stages, (new_business, renewals), now))
    # Oldest first, so up-sells see what their account had already bought.
    plans.sort(key=lambda p: p["created_at"])
    deals, lines, changes = [], [], []
    for plan in plans:
        account = plan["account"]
        bought = bought_by_account.setdefault(account.pk, set())
        line_plan = _line_plan(rng, products, plan["deal_type"], bought)
        hand_entered = rng.random() < 0.2 or not line_plan
        amount = (
            Decimal(rng.choice([4, 6, 8, 12, 18, 25, 40, 60]) * 1000)
            if hand_entered
            else _total(line_plan)
        )
        final_stage = plan["path"][-1][0]
        status = {"won": Deal.Status.WON, "lost": Deal.Status.LOST}.get(
            final_stage.kind, Deal.Status.OPEN
        )
        if status == Deal.Status.WON and not hand_entered:
            bought.update(line[0].code for line in line_plan)
        closed_at = plan["path"][-1][1] if status != Deal.Status.OPEN else None
        if status == Deal.Status.OPEN:
            month = _month_offset(today, rng.choice([0, 0, 1, 1, 1, 2, 2]))
            last_day = (_month_offset(month, 1) - timedelta(days=1)).day
            close = month.replace(day=rng.randint(1, last_day))
            if close < today and rng.random() < 0.85:
                close = today + timedelta(days=rng.randint(2, 20))
        else:
            close = timezone.localtime(closed_at).date()
        category = final_stage.default_forecast_category or Deal.ForecastCategory.PIPELINE
        if status == Deal.Status.OPEN and final_stage.probability >= 50 and rng.random() < 0.3:
            category = Deal.ForecastCategory.COMMIT
        reason, detail = None, ""
        if status == Deal.Status.LOST:
            reason = rng.choice(reasons) if reasons else None
            detail = rng.choice(LOST_DETAILS.get(reason.name, [""])) if reason else "Went quiet."
        contacts = contacts_by_account.get(account.pk, [])
        deal = Deal(
            name=plan["name"],
            account=account,
            primary_contact=rng.choice(contacts) if contacts else None,
            owner=plan["owner"],
            pipeline=plan["pipeline"],
            stage=final_stage,
            deal_type=plan["deal_type"],
            amount=amount,
            currency="EUR",
            expected_close_date=close,
            forecast_category=category,
            status=status,
            lost_reason=reason,
            lost_reason_detail=detail,
            closed_at=closed_at,
            stage_entered_at=plan["path"][-1][1],
            version=len(plan["path"]) + (0 if hand_entered else len(line_plan)),
            created_at=plan["created_at"],
        )
        deals.append(deal)
        plan["deal"] = deal
        plan["lines"] = [] if hand_entered else line_plan
    Deal.objects.bulk_create(deals)
    for plan in plans:
        deal = plan["deal"]
        for product, quantity, price, discount in plan["lines"]:
            lines.append(
                LineItem(
                    deal=deal,
                    product=product,
                    quantity=quantity,
                    unit_price=price,
                    discount_percent=discount,
                )
            )
        previous = None
        for stage, when in plan["path"]:
            forward = previous is not None and stage.order > previous.order
            changes.append(
                StageChange(
                    deal=deal,
                    from_stage=previous,
                    to_stage=stage,
                    changed_by=deal.owner,
                    changed_at=when,
                    exit_criteria_confirmed=list(previous.exit_criteria)
                    if forward and stage.kind != Stage.Kind.LOST
                    else [],
                )
            )
            previous = stage
    LineItem.objects.bulk_create(lines)
    StageChange.objects.bulk_create(changes)
    _link_contacts(deals)
    _seed_events(plans)
    if stdout:
        won = sum(1 for d in deals if d.status == Deal.Status.WON)
        lost = sum(1 for d in deals if d.status == Deal.Status.LOST)
        stdout.write(
            f"  deals: {len(deals)} ({won} won, {lost} lost, {len(deals) - won - lost} open), "
            f"{len(lines)} line items, {len(changes)} stage changes"
        )


def _working_hours(moment, rng):
    """Stage moves happen in office hours, not at midnight."""
    if 8 <= moment.hour < 18:
        return moment
    return moment.replace(hour=rng.randint(8, 17), minute=rng.choice([5, 20, 35, 50]))


def _plan_deal(rng, rep, accounts, stages, pipelines, now):
    """Where a deal started, and the stages it went through, with when."""
    new_business, renewals = pipelines
    account = rng.choice(accounts)
    customer = account.status == Account.Status.CUSTOMER
    key_accounts = rep.username in ("rep3", "rep4")
    roll = rng.random()
    if customer and roll < (0.35 if key_accounts else 0.15):
        pipeline, deal_type = renewals, Deal.Type.RENEWAL
    elif customer and roll < (0.7 if key_accounts else 0.4):
        pipeline = new_business
        deal_type = Deal.Type.UPSELL if rng.random() < 0.5 else Deal.Type.CROSS_SELL
    else:
        pipeline, deal_type = new_business, Deal.Type.NEW_BUSINESS
    chain = stages[pipeline.pk]
    open_stages = [s for s in chain if s.kind == Stage.Kind.OPEN]
    won = next(s for s in chain if s.kind == Stage.Kind.WON)
    lost = next(s for s in chain if s.kind == Stage.Kind.LOST)
    # Outcome: how far it gets, and whether it closes.
    target_index = rng.choices(range(len(open_stages)), weights=[4, 3, 3, 2][: len(open_stages)])[0]
    outcome = rng.choices(["open", "won", "lost"], weights=[4, 3, 2])[0]
    # Deals still open were mostly started lately: a healthy pipeline is not all stalled.
    age_days = rng.uniform(3, 50) if outcome == "open" else rng.uniform(3, HISTORY_DAYS)
    created = now - timedelta(days=age_days)
    created = created.replace(hour=rng.randint(8, 17), minute=rng.choice([0, 15, 30, 45]))
    created = min(created, now - timedelta(hours=2))
    path = [(open_stages[0], created)]
    moment = created
    for stage in open_stages[1 : target_index + 1]:
        step = timedelta(days=rng.uniform(3, 24), hours=rng.uniform(0, 8))
        if moment + step > now - timedelta(hours=1):
            outcome = "open"
            break
        moment = min(_working_hours(moment + step, rng), now - timedelta(hours=1))
        path.append((stage, moment))
    if outcome != "open":
        step = timedelta(days=rng.uniform(2, 18), hours=rng.uniform(0, 8))
        if moment + step < now - timedelta(hours=12):
            moment = min(_working_hours(moment + step, rng), now - timedelta(hours=1))
            if outcome == "won" and rng.random() < 0.15 and len(path) > 1:
                # Slipped back a stage before it closed: history is not always forward.
                path.append((path[-2][0], moment))
                moment += timedelta(days=rng.uniform(1, 6))
                moment = min(moment, now - timedelta(hours=1))
            path.append((won if outcome == "won" else lost, moment))
    theme = rng.choice(THEMES)
    label = {
        Deal.Type.RENEWAL: "renewal",
        Deal.Type.UPSELL: "seat expansion",
        Deal.Type.CROSS_SELL: "add-on",
    }.get(deal_type, theme)
    return {
        "owner": rep,
        "account": account,
        "pipeline": pipeline,
        "deal_type": deal_type,
        "created_at": created,
        "path": path,
        "name": f"{account.name}: {label}",
    }


def _link_contacts(deals):
    through = Deal.contacts.through
    through.objects.bulk_create(
        [
            through(deal_id=deal.pk, contact_id=deal.primary_contact_id)
            for deal in deals
            if deal.primary_contact_id
        ]
    )


def _seed_events(plans):
    """Past timeline entries for the demo deals, already dispatched (nothing re-fires)."""
    deal_type = ContentType.objects.get_for_model(Deal)
    account_type = ContentType.objects.get_for_model(Account)
    events, owners = [], []
    for plan in plans:
        deal = plan["deal"]
        previous = None
        for stage, when in plan["path"]:
            if previous is None:
                name, summary = "deal.created", f"Deal {deal.name} created in {stage.name}"
            elif stage.kind == Stage.Kind.WON:
                name, summary = "deal.won", f"Won {deal.name} (EUR {deal.amount:,.0f})"
            elif stage.kind == Stage.Kind.LOST:
                because = deal.lost_reason.name if deal.lost_reason else deal.lost_reason_detail
                name, summary = "deal.lost", f"Lost {deal.name}: {because}"
            else:
                name, summary = "deal.stage_changed", f"Moved from {previous.name} to {stage.name}"
            events.append(
                Event(
                    content_type=deal_type,
                    object_id=deal.pk,
                    name=name,
                    actor=deal.owner,
                    summary=summary[:300],
                    data={"to_stage": stage.pk, "demo": True},
                    created_at=when,
                    dispatched_at=when,
                )
            )
            owners.append(deal.account_id)
            previous = stage
    created = Event.objects.bulk_create(events)
    if all(event.pk for event in created):
        EventReference.objects.bulk_create(
            [
                EventReference(event=event, content_type=account_type, object_id=account_id)
                for event, account_id in zip(created, owners, strict=True)
            ]
        )


def register():
    register_demo(DemoSeeder("deals", seed, order=20))
