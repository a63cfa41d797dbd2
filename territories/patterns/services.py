"""Writes for call patterns: proposing a pattern, accepting weeks into planned calls,
and the rep's base location."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from math import floor

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Account
from calls.models import Call
from calls.services import call_plan
from salesproc.events import record_event
from salesproc.models import User, users_visible_to
from territories.models import CallPattern, PatternVisit, RepBase, Territory, TierPolicy
from territories.potential.selectors import policies, with_tier

from . import optimiser, routing

HELD = [Call.Status.COMPLETED, Call.Status.DEBRIEFED, Call.Status.REVIEWED]
REDUCED_CAPACITY = 0.8  # "what would the rep give up with less capacity": 20% fewer visits
FIRST_VISIT_AT = time(9, 0)
VISIT_SLOT = timedelta(minutes=90)
CHANNELS = {
    TierPolicy.Channel.IN_PERSON: Call.Channel.IN_PERSON,
    TierPolicy.Channel.VIDEO: Call.Channel.VIDEO,
    TierPolicy.Channel.PHONE: Call.Channel.PHONE,
}


def _check_coordinates(latitude, longitude):
    errors = {}
    if latitude is None or not Decimal(-90) <= Decimal(latitude) <= Decimal(90):
        errors["latitude"] = "Latitude must be between -90 and 90."
    if longitude is None or not Decimal(-180) <= Decimal(longitude) <= Decimal(180):
        errors["longitude"] = "Longitude must be between -180 and 180."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rep_base_set(
    *, actor: User, rep: User, latitude: Decimal, longitude: Decimal, label: str = ""
) -> RepBase:
    _require_may_plan(actor, rep)
    _check_coordinates(latitude, longitude)
    base, _ = RepBase.objects.update_or_create(
        rep=rep,
        defaults={"latitude": latitude, "longitude": longitude, "label": (label or "")[:120]},
    )
    return base


def _require_may_plan(actor: User, rep: User):
    if not users_visible_to(actor).filter(pk=rep.pk).exists():
        raise ValidationError({"rep": "Choose yourself or a rep of your team."})
    if not rep.runs("territories"):
        raise ValidationError(
            {"rep": f"{rep.display_name}'s role does not run territory management."}
        )


def next_monday(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _candidates(rep, weeks):
    """The rep's territory accounts (that the rep may see) with potential, tier, place."""
    territory_ids = list(Territory.objects.filter(rep=rep).values_list("pk", flat=True))
    accounts = with_tier(
        Account.objects.visible_to(rep).filter(
            territory_assignment__territory_id__in=territory_ids
        ),
        territory_ids=territory_ids,
    ).values_list("pk", "potential", "tier", "latitude", "longitude")
    by_tier = {policy.tier: policy for policy in policies()}
    candidates, info = [], {}
    for pk, potential, tier, latitude, longitude in accounts:
        policy = by_tier[tier]
        maximum = optimiser.most_visits(weeks, policy.min_gap_days)
        # The visits the policy asks within the plan's weeks (a quarterly visit is not
        # owed by a four-week plan; the return model may still choose it).
        minimum = min(maximum, floor(policy.visits_per_period * weeks / policy.period_weeks))
        candidates.append(
            optimiser.Candidate(
                account_id=pk,
                potential=float(potential or 0),
                p=float(policy.response_p),
                r=float(policy.response_r),
                minimum=minimum,
                maximum=maximum,
            )
        )
        place = (float(latitude), float(longitude)) if latitude is not None else None
        info[pk] = (tier, place)
    return candidates, info, by_tier


def _held_visits(rep, weeks):
    since = timezone.now() - timedelta(weeks=weeks)
    rows = (
        Call.objects.filter(
            owner=rep, status__in=HELD, account__isnull=False, scheduled_at__gte=since
        )
        .values("account_id")
        .annotate(n=Count("id"))
    )
    return {row["account_id"]: row["n"] for row in rows}


def _spread(allocation, candidates, weeks, per_week):
    """{week: [account ids]}: each account's visits spread evenly over the weeks, the
    biggest potential placed first; a full week passes the visit to the next with room."""
    load = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: (-c.potential, c.account_id)):
        visits = allocation[candidate.account_id]
        for j in range(visits):
            week = floor(j * weeks / visits) + 1
            for step in range(weeks):
                target = (week - 1 + step) % weeks + 1
                if len(load[target]) < per_week and candidate.account_id not in load[target]:
                    load[target].append(candidate.account_id)
                    break
    return load


@transaction.atomic
def call_pattern_generate(
    *,
    actor: User,
    rep: User,
    weeks: int,
    visits_per_day: int,
    working_days: int,
    starts_on: date | None = None,
) -> CallPattern:
    """Propose the visits of the rep's next `weeks` weeks that maximise expected return."""
    _require_may_plan(actor, rep)
    errors = {}
    if not 1 <= weeks <= 26:
        errors["weeks"] = "Plan between 1 and 26 weeks."
    if not 1 <= visits_per_day <= 20:
        errors["visits_per_day"] = "The capacity must be between 1 and 20 visits a day."
    if not 1 <= working_days <= 7:
        errors["working_days"] = "The capacity must be between 1 and 7 working days a week."
    base = RepBase.objects.filter(rep=rep).first()
    if base is None:
        errors["base"] = (
            f"{rep.display_name} has no base location yet: set where their days start first."
        )
    if errors:
        raise ValidationError(errors)
    candidates, info, by_tier = _candidates(rep, weeks)
    per_week = visits_per_day * working_days
    capacity = weeks * per_week
    try:
        allocation = optimiser.allocate(candidates, capacity)
    except optimiser.CapacityTooSmall as exc:
        raise ValidationError(
            {
                "visits_per_day": f"The tier policies require {exc.required} visits in "
                f"{weeks} weeks; this capacity allows {exc.capacity}."
            }
        ) from None
    required = sum(min(c.minimum, c.maximum) for c in candidates)
    reduced = optimiser.allocate(candidates, max(required, floor(capacity * REDUCED_CAPACITY)))
    by_id = {c.account_id: c for c in candidates}
    held = _held_visits(rep, weeks)
    pattern = CallPattern.objects.create(
        rep=rep,
        created_by=actor,
        starts_on=starts_on or next_monday(),
        weeks=weeks,
        visits_per_day=visits_per_day,
        working_days=working_days,
        base_latitude=base.latitude,
        base_longitude=base.longitude,
        expected_return=_money(
            sum(optimiser.total_return(by_id[a], n) for a, n in allocation.items())
        ),
        current_expected_return=_money(
            sum(optimiser.total_return(by_id[a], n) for a, n in held.items() if a in by_id)
        ),
        reduced_capacity_return=_money(
            sum(optimiser.total_return(by_id[a], n) for a, n in reduced.items())
        ),
    )
    home = (float(base.latitude), float(base.longitude))
    seen = defaultdict(int)
    rows = []
    for week, account_ids in sorted(_spread(allocation, candidates, weeks, per_week).items()):
        stops = [(pk, info[pk][1]) for pk in account_ids]
        days = routing.plan_days(
            home, stops, visits_per_day=visits_per_day, working_days=working_days
        )
        for day, route in days.items():
            for order, (pk, km) in enumerate(route):
                seen[pk] += 1
                rows.append(
                    PatternVisit(
                        pattern=pattern,
                        account_id=pk,
                        week=week,
                        day=day,
                        order=order,
                        tier=info[pk][0],
                        expected_return=_money(optimiser.visit_value(by_id[pk], seen[pk])),
                        distance_km=Decimal(str(round(km, 1))),
                    )
                )
    PatternVisit.objects.bulk_create(rows)
    record_event(
        subject=pattern,
        name="call_pattern.proposed",
        actor=actor,
        summary=f"Call pattern for {rep.display_name}: {len(rows)} visits in {weeks} weeks",
        data={"visits": len(rows), "expected_return": str(pattern.expected_return)},
    )
    return pattern


def _money(value) -> Decimal:
    return Decimal(str(round(value, 2)))


def visit_time(pattern: CallPattern, visit: PatternVisit) -> datetime:
    day = pattern.starts_on + timedelta(weeks=visit.week - 1, days=visit.day - 1)
    start = timezone.make_aware(datetime.combine(day, FIRST_VISIT_AT))
    return start + VISIT_SLOT * visit.order


@transaction.atomic
def call_pattern_accept(*, actor: User, pattern: CallPattern, weeks: list[int]) -> list[int]:
    """Plan a call for every visit of these weeks; idempotent (a visit with its call is
    skipped). Returns the ids of the calls created now."""
    if actor.pk != pattern.rep_id:
        raise ValidationError({"weeks": "Only the rep whose weeks these are can accept them."})
    wanted = sorted(set(weeks or []))
    if not wanted:
        raise ValidationError({"weeks": "Choose at least one week to accept."})
    outside = [w for w in wanted if not isinstance(w, int) or not 1 <= w <= pattern.weeks]
    if outside:
        raise ValidationError(
            {"weeks": f"This pattern has weeks 1 to {pattern.weeks}; not {outside[0]}."}
        )
    CallPattern.objects.select_for_update().filter(pk=pattern.pk).get()
    by_tier = {policy.tier: policy for policy in policies()}
    created = []
    # Visits with no call yet, and those whose call was cancelled (they need a visit).
    visits = (
        PatternVisit.objects.filter(pattern=pattern, week__in=wanted)
        .filter(Q(call__isnull=True) | Q(status=PatternVisit.Status.CANCELLED))
        .select_related("account")
        .order_by("week", "day", "order")
    )
    for visit in visits:
        policy = by_tier.get(visit.tier)
        call = call_plan(
            actor=actor,
            scheduled_at=visit_time(pattern, visit),
            purpose=f"Tier {visit.tier} visit to {visit.account.name}: keep the relationship "
            "on track and find the next opportunity"[:300],
            account=visit.account,
            channel=CHANNELS.get(policy.channel, Call.Channel.IN_PERSON)
            if policy
            else Call.Channel.IN_PERSON,
        )
        visit.call, visit.status = call, PatternVisit.Status.PLANNED
        visit.save(update_fields=["call", "status"])
        created.append(call.pk)
    if created:
        record_event(
            subject=pattern,
            name="call_pattern.accepted",
            actor=actor,
            summary=f"Weeks {', '.join(map(str, wanted))} accepted: {len(created)} calls planned",
            data={"weeks": wanted, "calls": created},
        )
    return created


# What a call's event means for the pattern visit it serves.
VISIT_AFTER = {
    "call.planned": PatternVisit.Status.PLANNED,
    "call.completed": PatternVisit.Status.HELD,
    "call.debriefed": PatternVisit.Status.HELD,
    "call.reviewed": PatternVisit.Status.HELD,
    "call.cancelled": PatternVisit.Status.CANCELLED,
    "call.no_show": PatternVisit.Status.CANCELLED,
    "call.deleted": PatternVisit.Status.CANCELLED,
    "call.rescheduled": PatternVisit.Status.PLANNED,  # it follows the new call
}


@transaction.atomic
def pattern_visit_follow_call(event) -> None:
    """Subscriber of call.*: held and cancelled calls update the pattern. A held call marks
    its visit held; a cancelled one (or a no-show, or a deleted plan) marks it cancelled,
    so the account needs a visit again and accepting the week plans a new call; a
    rescheduled call hands its visit to the call that replaces it."""
    status = VISIT_AFTER.get(event.name)
    if status is None:
        return
    visit = PatternVisit.objects.select_for_update().filter(call_id=event.object_id).first()
    if visit is None:
        return
    if event.name == "call.rescheduled":
        successor = Call.objects.filter(rescheduled_from_id=event.object_id).order_by("-pk").first()
        if successor is None:
            status = PatternVisit.Status.CANCELLED
        elif not PatternVisit.objects.filter(call=successor).exists():
            visit.call = successor
    if visit.status == status and event.name != "call.rescheduled":
        return
    visit.status = status
    visit.save(update_fields=["call", "status"])
