"""Demo leads: about 300 over the last six months, across statuses and sources, with the
answers reps gave on the first call. Some became accounts, contacts and deals; some were
disqualified with a reason. Idempotent: leads are keyed by email.
"""

import random
import unicodedata
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.demo import FIRST, LAST, NAME_A, NAME_B
from accounts.models import Account, Contact
from salesproc.models import Event, User
from salesproc.registry import DemoSeeder, register_demo

from . import scoring, selectors, services
from .models import Lead, Qualification

LEAD_COUNT = 300
REPS = [("rep1", 44), ("rep2", 44), ("rep3", 6), ("rep4", 6)]
# rep3 and rep4 don't run lead qualification in their roles: their leads are the
# converted ones that became their accounts and deals.
SOURCES = [
    ("web", 34),
    ("referral", 15),
    ("event", 15),
    ("cold call", 14),
    ("partner", 12),
    ("import", 10),
]
# Referrals and partners convert better than cold calls: the metrics should show it.
SOURCE_QUALITY = {
    "referral": 0.25,
    "partner": 0.15,
    "web": 0.0,
    "event": -0.05,
    "import": -0.1,
    "cold call": -0.15,
}
COMPANY_A = [
    "Acorn",
    "Bramble",
    "Copper",
    "Driftwood",
    "Ember",
    "Fjord",
    "Gable",
    "Hearth",
    "Indigo",
    "Juniper",
    "Keystone",
    "Larch",
    "Maple",
    "Nimbus",
    "Onyx",
    "Pebble",
    "Quill",
    "Rowan",
    "Saffron",
    "Thistle",
    "Umber",
    "Willow",
    "Yarrow",
    "Zephyr",
    "Aspen",
    "Birch",
    "Cobalt",
    "Dune",
    "Elm",
    "Flint",
]
COMPANY_B = [
    "Robotics",
    "Clinics",
    "Freight",
    "Studios",
    "Bank",
    "Foods",
    "Software",
    "Energy",
    "Retail",
    "Builders",
]
INDUSTRY_OF = {
    "Robotics": "Manufacturing",
    "Clinics": "Healthcare",
    "Freight": "Logistics",
    "Studios": "Media",
    "Bank": "Financial services",
    "Foods": "Retail",
    "Software": "Software",
    "Energy": "Energy",
    "Retail": "Retail",
    "Builders": "Construction",
}
COUNTRIES = [
    "United Kingdom",
    "Germany",
    "France",
    "Netherlands",
    "Spain",
    "United States",
    "Ireland",
]
TITLES = [
    "Chief Executive Officer",
    "Head of Operations",
    "IT Director",
    "Finance Director",
    "Procurement Manager",
    "Operations Manager",
    "Office Manager",
    "Marketing Lead",
]
EMPLOYEES = [8, 25, 60, 120, 250, 600, 1500, 4000, 9000]


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _answers_for(rng, criteria, status, quality):
    """Plausible first-call answers for a lead that ended up in `status`."""
    answers = {}
    for spec in criteria:
        if spec.has_profile_rule:
            continue  # answered from the lead's fields
        if status == Lead.Status.NEW:
            continue
        if status in (Lead.Status.QUALIFIED, Lead.Status.CONVERTED):
            good = True
        elif status == Lead.Status.DISQUALIFIED:
            # Must-haves fail below, for some; the other reasons are spread evenly.
            good = spec.must_have or rng.random() < 0.35 + quality
        else:
            if rng.random() < 0.35:
                continue  # still unknown
            good = rng.random() < 0.6 + quality
        if spec.answer_type == scoring.YES_NO:
            answers[spec.id] = good
        elif spec.answer_type == scoring.CHOICE:
            ranked = sorted(spec.choices, key=lambda c: -c["points"])
            if good and status in (Lead.Status.QUALIFIED, Lead.Status.CONVERTED):
                pool = (
                    ranked[:1] if rng.random() < 0.75 else [c for c in ranked if c["points"] >= 50]
                )
            elif good:
                pool = [c for c in ranked if c["points"] >= 50] or ranked[:1]
            else:
                pool = [c for c in ranked if c["points"] < 50] or ranked[-1:]
            answers[spec.id] = rng.choice(pool)["value"]
        elif spec.answer_type == scoring.NUMBER:
            low = spec.number_min or 0
            answers[spec.id] = int(low + rng.randint(1, 50)) if good else int(max(0, low - 1))
    asked = [s for s in criteria if not s.has_profile_rule]
    if status == Lead.Status.WORKING and asked and all(s.id in answers for s in asked):
        # A lead still being worked has at least one question left open.
        answers.pop(rng.choice(asked).id)
    if status == Lead.Status.DISQUALIFIED:
        musts = [s for s in criteria if s.must_have and s.answer_type == scoring.CHOICE]
        if musts and rng.random() < 0.35:
            spec = rng.choice(musts)
            answers[spec.id] = min(spec.choices, key=lambda c: c["points"])["value"]
    return answers


def _plan(rng, now, reps, existing_domains):
    plan = []
    used = set()
    for i in range(LEAD_COUNT):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        a, b = (
            COMPANY_A[i % len(COMPANY_A)],
            COMPANY_B[(i * 7 + i // len(COMPANY_A)) % len(COMPANY_B)],
        )
        company = f"{a} {b}"
        domain = f"{a}{b}".lower() + ".example"
        # Now and then a lead comes from a company already in the CRM: conversion matches it.
        if existing_domains and i % 23 == 0:
            domain = existing_domains[i % len(existing_domains)][0]
            company = existing_domains[i % len(existing_domains)][1]
        local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
        email = f"{local}@{domain}"
        n = 2
        while email in used:
            email = f"{local}{n}@{domain}"
            n += 1
        used.add(email)
        source = _pick(rng, SOURCES)
        quality = SOURCE_QUALITY[source]
        age_days = rng.uniform(0, 182)
        created = now - timedelta(days=age_days, hours=rng.randint(0, 23))
        roll = rng.random()
        converts = max(0.04, 0.18 + quality * 0.5)  # referrals convert, cold calls less
        if age_days < 10:
            status = Lead.Status.NEW if roll < 0.6 else Lead.Status.WORKING
        elif roll < 0.12:
            status = Lead.Status.NEW
        elif roll < 0.40:
            status = Lead.Status.WORKING
        elif roll < 0.40 + converts:
            status = Lead.Status.CONVERTED
        elif roll < 0.53 + converts:
            status = Lead.Status.QUALIFIED
        else:
            status = Lead.Status.DISQUALIFIED
        owner = _pick(rng, REPS)
        if owner in ("rep3", "rep4"):
            status = Lead.Status.CONVERTED
        plan.append(
            {
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                "job_title": rng.choice(TITLES),
                "company_name": company,
                "website": f"https://www.{domain}",
                "industry": INDUSTRY_OF[b],
                "employee_count": rng.choice(EMPLOYEES),
                "country": rng.choice(COUNTRIES),
                "source": source,
                "owner": reps[owner],
                "status": status,
                "created_at": created,
                "quality": quality,
                "age_days": age_days,
            }
        )
    return plan


@transaction.atomic
def seed(*, stdout=None):
    rng = random.Random(20261128)
    reps = {u.username: u for u in User.objects.filter(username__in=[r for r, _ in REPS])}
    if len(reps) < len(REPS):
        return
    now = timezone.now()
    services.criteria_ensure_defaults()  # seeding may write what the selectors only read
    services.disqualification_reasons_ensure_defaults()
    criteria = selectors.current_criteria()
    reasons = selectors.active_reasons()
    reason_for = {r.name: r for r in reasons}
    # Companies of the accounts demo (never ones this seeder's conversions make), so the
    # plan, and the emails that key it, stay the same from one run to the next.
    account_domains = {
        f"{a} {b}".lower().replace(" ", "") + ".example" for a in NAME_A for b in NAME_B
    }
    existing_domains = list(
        Account.objects.filter(domain__in=account_domains)
        .order_by("domain")
        .values_list("domain", "name")[:40]
    )
    plan = _plan(rng, now, reps, existing_domains)
    have = set(
        Lead.objects.filter(email__in=[p["email"] for p in plan]).values_list("email", flat=True)
    )
    todo = [p for p in plan if p["email"] not in have]
    leads, qualifications, events = [], [], []
    for item in todo:
        status = item["status"]
        fields = {k: item[k] for k in ("industry", "employee_count", "country")}
        rule_answers = scoring.profile_rule_answers(criteria, fields)
        answers = {**rule_answers, **_answers_for(rng, criteria, status, item["quality"])}
        result = scoring.score(criteria, answers, profile=rule_answers)
        decided = None
        if status != Lead.Status.NEW:
            decided = item["created_at"] + timedelta(
                days=min(item["age_days"] * 0.9, rng.uniform(0.5, 21))
            )
        lead = Lead(
            **{k: v for k, v in item.items() if k not in ("quality", "age_days", "status")},
            status=Lead.Status.QUALIFIED if status == Lead.Status.CONVERTED else status,
            score=result.score if (answers or status != Lead.Status.NEW) else None,
        )
        reason = None
        if status in (Lead.Status.QUALIFIED, Lead.Status.CONVERTED):
            lead.qualified_at = decided
        elif status == Lead.Status.DISQUALIFIED:
            failed = [r.label for r in result.failed_must_haves]
            if "Budget" in failed:
                name = "No budget"
            else:
                name = rng.choice(
                    [
                        "Outside ideal profile",
                        "No need or project",
                        "Chose a competitor",
                        "Unresponsive",
                        "Not the decision maker",
                        "Unresponsive",
                        "Chose a competitor",
                    ]
                )
            reason = reason_for.get(name) or rng.choice(reasons)
            lead.disqualified_at = decided
            lead.disqualification_reason = reason
        leads.append(lead)
        if decided is None and not answers:
            qualifications.append(None)
            continue
        decision = {
            Lead.Status.QUALIFIED: Qualification.Decision.QUALIFIED,
            Lead.Status.CONVERTED: Qualification.Decision.QUALIFIED,
            Lead.Status.DISQUALIFIED: Qualification.Decision.DISQUALIFIED,
            Lead.Status.WORKING: Qualification.Decision.WORKING,
        }.get(status, "")
        qualifications.append(
            Qualification(
                version_id=criteria.version_id,
                answers={str(k): v for k, v in answers.items()},
                results=result.results_json(),
                score=result.score,
                verdict=result.verdict,
                decision=decision,
                overridden=decision == Qualification.Decision.QUALIFIED
                and result.verdict != scoring.QUALIFY,
                disqualification_reason=reason,
                by=item["owner"] if decided else None,
                created_at=item["created_at"],
                decided_at=decided,
            )
        )
    Lead.objects.bulk_create(leads)
    saved = {
        lead.email: lead
        for lead in Lead.objects.filter(email__in=[lead.email for lead in leads]).select_related(
            "owner"
        )
    }
    rows = []
    lead_ct = ContentType.objects.get_for_model(Lead)
    for lead, qualification in zip(leads, qualifications, strict=True):
        lead = saved[lead.email]
        events.append(
            Event(
                content_type=lead_ct,
                object_id=lead.pk,
                name="lead.created",
                summary=f"Lead {lead.full_name} created from {lead.source}",
                data={"owner": lead.owner_id, "source": lead.source},
                created_at=lead.created_at,
                dispatched_at=now,
            )
        )
        if qualification is None:
            continue
        qualification.lead = lead
        rows.append(qualification)
        if qualification.decided_at:
            name, summary = {
                "qualified": ("lead.qualified", f"Qualified with score {qualification.score}"),
                "disqualified": (
                    "lead.disqualified",
                    f"Disqualified: {getattr(qualification.disqualification_reason, 'name', '')}",
                ),
                "working": ("lead.kept_working", f"Answers saved, score {qualification.score}"),
            }[qualification.decision]
            events.append(
                Event(
                    content_type=lead_ct,
                    object_id=lead.pk,
                    name=name,
                    actor=qualification.by,
                    summary=summary,
                    data={"score": qualification.score, "verdict": qualification.verdict},
                    created_at=qualification.decided_at,
                    dispatched_at=now,
                )
            )
    Qualification.objects.bulk_create(rows)
    Event.objects.bulk_create(events)
    converted = _convert(rng, todo, saved, now)
    if stdout:
        stdout.write(
            f"  leads: {Lead.objects.count()} ({len(leads)} new, {converted} converted), "
            f"criteria version {criteria.version_number}"
        )


def _convert(rng, todo, saved, now):
    """Convert the planned leads through the service: matching accounts and contacts."""
    from deals.models import Deal, StageChange
    from deals.services import default_pipeline

    if default_pipeline() is None:
        return 0
    # Conversion matches only what the converting user can see; the demo's history has
    # leads of one team for companies another team holds, so an admin converts them
    # (the records still go to the lead's owner).
    admin = (
        User.objects.filter(Q(is_superuser=True) | Q(role__is_admin=True), is_active=True)
        .order_by("id")
        .first()
    )
    count = 0
    for item in todo:
        if item["status"] != Lead.Status.CONVERTED:
            continue
        lead = saved[item["email"]]
        started = timezone.now()
        amount = Decimal(rng.choice([6, 9, 12, 15, 18, 24, 30, 45]) * 1000)
        lead = services.lead_convert(actor=admin or lead.owner, lead=lead, amount=amount)
        when = min(now, lead.qualified_at + timedelta(days=rng.uniform(0.2, 6)))
        Lead.objects.filter(pk=lead.pk).update(converted_at=when)
        # The demo's past: the deal was opened when the lead was converted.
        Deal.objects.filter(pk=lead.converted_deal_id).update(
            created_at=when, stage_entered_at=when
        )
        StageChange.objects.filter(deal_id=lead.converted_deal_id).update(changed_at=when)
        Account.objects.filter(pk=lead.converted_account_id, created_at__gte=started).update(
            created_at=when
        )
        Contact.objects.filter(pk=lead.converted_contact_id, created_at__gte=started).update(
            created_at=when
        )
        # Everything the conversion recorded happened then too.
        Event.objects.filter(created_at__gte=started).filter(
            Q(content_type__model="lead", object_id=lead.pk)
            | Q(content_type__model="account", object_id=lead.converted_account_id)
            | Q(content_type__model="contact", object_id=lead.converted_contact_id)
            | Q(content_type__model="deal", object_id=lead.converted_deal_id)
        ).update(created_at=when)
        count += 1
    return count


def register():
    register_demo(DemoSeeder("leads", seed, order=40))
