"""Demo opportunity plans: 8 competitors with battlecards, 6 strategies, plans on most open
deals past the first stage (varied completeness), plans on closed deals, and reviews on
about 80% of closed deals. Outcomes are the deals' own; the plans are drawn so that some
strategies and coverage really differ in win rate and others do not.

Idempotent: a second run finds the demo competitors' plans and leaves them alone.
Deterministic: one seeded Random.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Contact
from deals.models import Deal
from salesproc.registry import DemoSeeder, register_demo

from .models import (
    Competitor,
    DealCompetitor,
    OpportunityPlan,
    PlanActionItem,
    Stakeholder,
    WinLossReason,
    WinLossReview,
    WinStrategy,
)
from .services.catalogue import current_prompt_version
from .services.plans import plan_refresh

SEED = 20261201
COMPETITORS = [
    (
        "Northwind CRM",
        "Big brand, broad suite, strong with IT.",
        "Slow to roll out; costly services.",
        "Ask how long their last three customers took to go live.",
        "Time to value: live in weeks, not quarters.",
    ),
    (
        "Contoso Sales Cloud",
        "Cheap entry price.",
        "Per-seat add-ons pile up; weak reporting.",
        "Ask for the three-year cost with reporting and API included.",
        "Total cost over three years.",
    ),
    (
        "Fabrikam Pipeline",
        "Slick UI loved by reps.",
        "Thin on manager coaching and forecasting.",
        "Ask the sales manager how they coach from it.",
        "Managers: coaching and forecast in one place.",
    ),
    (
        "Globex Revenue",
        "Strong forecasting and AI claims.",
        "Black-box scores reps do not trust.",
        "Ask them to explain why a deal scored 72.",
        "Explainable process the team owns.",
    ),
    (
        "Initech Suite",
        "Already installed at many accounts.",
        "Ageing, on-premise, painful upgrades.",
        "Ask when the last upgrade happened and what it cost.",
        "Displace on upgrade cost and usability.",
    ),
    (
        "Umbrella Sales",
        "Aggressive discounts.",
        "Small team; support in one time zone.",
        "Ask for support hours and named references.",
        "Reliability and references.",
    ),
]
# Weights for picking a plan's strategy on won and lost deals: PoC and value really win
# more often; relationship and executive sponsor are close to average.
STRATEGY_WEIGHTS = {
    "Value / ROI-led": (5, 2),
    "Executive sponsor": (3, 3),
    "Proof of concept or pilot": (6, 2),
    "Competitive displacement": (2, 2),
    "Relationship": (3, 3),
    "Price": (1, 4),
}
ROLES = [
    "economic_buyer",
    "champion",
    "decision_maker",
    "technical_evaluator",
    "user",
    "influencer",
]


def _ensure_competitors():
    for name, strengths, weaknesses, landmines, how in COMPETITORS:
        Competitor.objects.get_or_create(
            name=name,
            defaults={
                "strengths": strengths,
                "weaknesses": weaknesses,
                "landmines": landmines,
                "how_we_win": how,
            },
        )
    return list(Competitor.objects.filter(is_active=True))


def _pick(rng, weights):
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


@transaction.atomic
def seed(*, stdout=None):
    competitors = _ensure_competitors()
    if OpportunityPlan.objects.exists():
        if stdout:
            stdout.write("  opportunities: plans already seeded")
        return
    rng = random.Random(SEED)
    version = current_prompt_version()
    strategies = {s.name: s for s in WinStrategy.objects.filter(is_active=True)}
    reasons = {
        outcome: list(WinLossReason.objects.filter(outcome=outcome, is_active=True))
        for outcome in ("won", "lost")
    }
    contacts = {}
    for contact in Contact.objects.only("id", "account_id"):
        contacts.setdefault(contact.account_id, []).append(contact.pk)
    deals = list(Deal.objects.select_related("stage", "owner").order_by("id"))
    now = timezone.now()
    plans, stakeholders, rivals, steps, reviews = [], [], [], [], []
    for deal in deals:
        closed = deal.status != Deal.Status.OPEN
        won = deal.status == Deal.Status.WON
        if not closed and (deal.stage.order == 0 or rng.random() < 0.15):
            continue
        if closed and rng.random() < 0.1:
            continue
        # how complete: closed deals that were won had somewhat better plans
        depth = rng.random() + (0.25 if won else 0)
        weights = {n: w[0 if won else 1] for n, w in STRATEGY_WEIGHTS.items() if n in strategies}
        strategy = strategies[_pick(rng, weights)] if weights and depth > 0.3 else None
        touched = now - timedelta(days=rng.randint(0, 40))
        plans.append(
            OpportunityPlan(
                deal=deal,
                prompt_version=version,
                problem="Reps spend Fridays updating spreadsheets instead of selling."
                if depth > 0.2
                else "",
                impact="Two days a month per rep lost to admin." if depth > 0.4 else "",
                impact_amount=int(deal.amount) * 3 if depth > 0.5 else None,
                desired_outcome="One place to plan, run and review every deal."
                if depth > 0.35
                else "",
                decision_process="Head of sales decides with IT and finance."
                if depth > 0.55
                else "",
                decision_date=(deal.expected_close_date if depth > 0.6 else None),
                strategy=strategy,
                strategy_notes="Lead with a two-week pilot on one team." if strategy else "",
                created_by=deal.owner,
                created_at=deal.created_at,
                touched_at=touched,
            )
        )
        people = list(contacts.get(deal.account_id, []))
        rng.shuffle(people)
        # won deals more often had the economic buyer mapped (a real difference)
        with_buyer = rng.random() < (0.7 if won else 0.35 if closed else 0.5)
        count = min(len(people), rng.randint(0, 4) + (1 if depth > 0.5 else 0))
        for n, contact_id in enumerate(people[:count]):
            role = ROLES[n] if with_buyer else ROLES[1:][n % 5]
            stakeholders.append(
                Stakeholder(
                    deal=deal,
                    contact_id=contact_id,
                    buying_role=role,
                    stance=rng.choice(["supporter", "neutral", "opposed", "unknown"]),
                    influence=rng.choice(["high", "medium", "low"]),
                    cares_about=rng.choice(
                        ["Adoption by the reps", "Forecast accuracy", "Cost", ""]
                    ),
                )
            )
        if depth > 0.3:
            for competitor in rng.sample(competitors, rng.randint(1, 2)):
                rivals.append(
                    DealCompetitor(
                        deal=deal,
                        competitor=competitor,
                        status=rng.choice(["active", "active", "eliminated"]),
                        positioning=competitor.how_we_win,
                    )
                )
        if not closed and depth > 0.45:
            steps.append(
                PlanActionItem(
                    deal=deal,
                    text=rng.choice(
                        ["Send the business case", "Book the pilot kick-off", "Meet the CFO"]
                    ),
                    owner=deal.owner,
                    due_date=(now + timedelta(days=rng.randint(-5, 20))).date(),
                )
            )
    OpportunityPlan.objects.bulk_create(plans)
    Stakeholder.objects.bulk_create(stakeholders, ignore_conflicts=True)
    DealCompetitor.objects.bulk_create(rivals, ignore_conflicts=True)
    PlanActionItem.objects.bulk_create(steps)
    for plan in OpportunityPlan.objects.select_related("deal"):
        touched = plan.touched_at
        plan_refresh(deal=plan.deal, touch=False)
        OpportunityPlan.objects.filter(pk=plan.pk).update(touched_at=touched)
    completeness = dict(OpportunityPlan.objects.values_list("deal_id", "completeness"))
    for deal in deals:
        if deal.status == Deal.Status.OPEN:
            continue
        outcome = deal.status
        done = rng.random() < 0.8
        review = WinLossReview(
            deal=deal,
            outcome=outcome,
            plan_completeness=completeness.get(deal.pk),
            requested_at=deal.closed_at or now,
        )
        if done and reasons[outcome]:
            review.status = WinLossReview.Status.DONE
            review.reason = rng.choice(reasons[outcome])
            review.competitor = rng.choice(competitors) if rng.random() < 0.6 else None
            review.what_worked = "The pilot made the value visible." if outcome == "won" else ""
            review.what_did_not = "" if outcome == "won" else "We met the economic buyer too late."
            review.reviewed_at = deal.closed_at or now
            review.reviewed_by = deal.owner
        reviews.append(review)
    WinLossReview.objects.bulk_create(reviews, ignore_conflicts=True)
    if stdout:
        stdout.write(
            f"  opportunities: {len(plans)} plans, {len(stakeholders)} stakeholders, "
            f"{len(reviews)} reviews"
        )


def register():
    register_demo(DemoSeeder("opportunities", seed, order=60))
