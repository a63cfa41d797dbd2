"""Demo call management: call types with question banks, an objection library, and
about 400 calls by rep1..rep4 over the last three months in every state, plus calls
planned for today and this week. Idempotent: calls are only added once.

Longer than ~500 lines on purpose: it is one concept (the demo data set of one app),
mostly literal sample texts, and splitting it would scatter the data from the code
that lays it out.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Contact
from deals.models import Deal
from leads.models import Lead
from salesproc.models import User
from salesproc.registry import DemoSeeder, register_demo

from .models import BankQuestion, Call, CallObjection, CallQuestion, CallType, Objection

REPS = ["rep1", "rep2", "rep3", "rep4"]
MANAGER_OF = {"rep1": "manager1", "rep2": "manager1", "rep3": "manager2", "rep4": "manager2"}

CALL_TYPES = [
    # name, description, minutes, questions
    (
        "Discovery",
        "First real conversation: understand the problem and who decides.",
        30,
        [
            "What business problem are you trying to solve?",
            "What happens if nothing changes this year?",
            "Who else is involved in the decision?",
            "How do you handle this today?",
            "Is there a budget set aside for this?",
            "What would a good outcome look like in six months?",
        ],
    ),
    (
        "Demo",
        "Show the product against the needs found in discovery.",
        45,
        [
            "Which of the needs we discussed matters most?",
            "Who will use this day to day?",
            "What would stop you from rolling this out?",
            "How does this compare with what you have seen elsewhere?",
        ],
    ),
    (
        "Follow-up",
        "Move an open conversation to its next step.",
        20,
        [
            "What has changed since we last spoke?",
            "Did the proposal answer your questions?",
            "What is the next step on your side?",
        ],
    ),
    (
        "Negotiation",
        "Terms, price and the path to signature.",
        45,
        [
            "Which terms are still open?",
            "Who signs, and what do they need to see?",
            "What is your timeline to a decision?",
            "What would make this an easy yes?",
        ],
    ),
    (
        "Check-in",
        "A customer touchpoint: satisfaction, needs, expansion.",
        20,
        [
            "How is the team using the product?",
            "What is not working as well as you hoped?",
            "Are there other teams who face the same problem?",
        ],
    ),
]

OBJECTIONS = [
    (
        "Price",
        "It's too expensive.",
        "Go back to the cost of the problem; show the payback period.",
    ),
    (
        "Price",
        "We don't have the budget this year.",
        "Ask when the budget is set and who sets it; offer a phased start.",
    ),
    (
        "Timing",
        "Now is not a good time.",
        "Ask what would make it a good time and what it costs to wait.",
    ),
    ("Timing", "Send me some information.", "Agree, and book a call to go through it together."),
    (
        "Competition",
        "We already use a competitor.",
        "Ask what they would change about it; focus on that gap.",
    ),
    (
        "Competition",
        "Your competitor is cheaper.",
        "Compare total cost and what is included, not the list price.",
    ),
    (
        "Authority",
        "I need to talk to my boss.",
        "Offer to join that conversation; ask what the boss will care about.",
    ),
    (
        "Authority",
        "Procurement handles this.",
        "Ask to be introduced; learn their process and timeline.",
    ),
    (
        "Need",
        "We're fine with what we have.",
        "Ask how they measure 'fine' and where it costs them time.",
    ),
    (
        "Trust",
        "We've never heard of you.",
        "Share a customer story from their industry and offer a reference.",
    ),
    (
        "Trust",
        "We had a bad experience with a similar tool.",
        "Ask what went wrong and show how we avoid it.",
    ),
    (
        "Need",
        "It looks complicated to roll out.",
        "Walk through the rollout plan and the support included.",
    ),
]

ANSWERS = [
    "Manual reporting takes two people a week each month.",
    "The CFO and the head of operations decide together.",
    "Budget is approved in Q1; around 40k set aside.",
    "They use spreadsheets and a legacy tool.",
    "They want to cut response times by half.",
    "About 25 users in the first team.",
    "Legal review could take a month.",
    "Decision expected by the end of the quarter.",
    "Happy so far, but reporting is slow.",
    "The sales team in Germany has the same problem.",
]
UNASKED_REASONS = [
    "Ran out of time",
    "The conversation went another way",
    "Not the right person to ask",
    "Already answered by their email",
    "Felt too early to ask",
    "Forgot in the moment",
]
OUTCOMES_HELD = [
    "Good conversation; they confirmed the problem and want to see a demo.",
    "They are interested but need to involve finance first.",
    "Agreed on the scope; waiting for their internal review.",
    "Positive; they asked for a proposal by next week.",
    "Lukewarm; they will come back after their planning cycle.",
    "Strong fit; the decision maker joined for the last ten minutes.",
]
NEXT_STEPS = [
    "Send the proposal\nBook a call with the CFO",
    "Share two customer stories\nFollow up next Tuesday",
    "Book the demo with the operations team",
    "Send pricing options\nAgree a decision date",
    "Introduce our implementation lead",
]
WENT_WELL = [
    "Good rapport from the start; they opened up about the budget.",
    "I kept to the plan and got the decision process mapped.",
    "Handled the price objection calmly with the payback numbers.",
    "Asked for the next step and got a date in the calendar.",
    "Listened more than I talked.",
]
PROBLEMS = [
    ("Security review not started", "Send our security pack and offer a call with our engineer"),
    ("Unclear who signs", "Ask the champion to map the approval chain"),
    ("Competitor already in a pilot", "Propose a side-by-side trial on their own data"),
    ("Budget only next year", "Offer a small paid pilot this quarter"),
    ("Integration with their ERP", "Check with product whether the connector covers their version"),
]
FEEDBACK = [
    "Solid preparation. Next time ask about budget earlier; you waited until the last minute.",
    "You handled the objection well. Push a bit harder for a concrete next step with a date.",
    "Great discovery questions. Summarise what you heard before moving on.",
    "Too much product talk early on; let them describe the problem first.",
    "Good call. Bring the economic buyer in sooner.",
    "Nice recovery when the call went off plan. Keep your plan's questions visible.",
]
COACHING = [
    "Ask the budget question in the first third of the call",
    "Close every call with a dated next step",
    "Summarise the buyer's problem in their words",
    "Prepare two responses for the price objection",
    "Map the decision makers before the demo",
]
PURPOSES = {
    "Discovery": [
        "Understand their reporting problem",
        "Find out who decides and how",
        "Qualify budget and timeline",
    ],
    "Demo": ["Show the reporting module to the ops team", "Demo the integration to IT"],
    "Follow-up": ["Go through the proposal", "Answer open questions after the demo"],
    "Negotiation": ["Agree terms and the path to signature", "Settle the price and the start date"],
    "Check-in": ["Quarterly check-in", "Check adoption and look for expansion"],
}
DESIRED = {
    "Discovery": "A demo booked with the decision maker",
    "Demo": "Agreement to receive a proposal",
    "Follow-up": "A decision date",
    "Negotiation": "Verbal yes and a signature date",
    "Check-in": "An introduction to another team",
}
# How each rep tends to do: chance to ask a planned question, to handle an objection
# well, to plan ahead, rating base and how much it improves over the quarter.
PROFILES = {
    "rep1": {"ask": 0.72, "handle": 0.55, "ahead": 0.8, "base": 2.6, "trend": 1.4},
    "rep2": {"ask": 0.88, "handle": 0.45, "ahead": 0.9, "base": 3.4, "trend": 0.3},
    "rep3": {"ask": 0.85, "handle": 0.75, "ahead": 0.95, "base": 3.9, "trend": 0.2},
    "rep4": {"ask": 0.6, "handle": 0.6, "ahead": 0.65, "base": 3.0, "trend": 0.6},
}
PAST_CALLS_PER_REP = 92
DAYS_BACK = 90


def seed_library(*, stdout=None):
    created_types = 0
    for order, (name, description, minutes, questions) in enumerate(CALL_TYPES):
        call_type, created = CallType.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "default_duration_minutes": minutes,
                "order": order,
            },
        )
        if created:
            created_types += 1
            BankQuestion.objects.bulk_create(
                [
                    BankQuestion(call_type=call_type, order=n, text=t)
                    for n, t in enumerate(questions)
                ]
            )
    existing = set(Objection.objects.values_list("text", flat=True))
    Objection.objects.bulk_create(
        [
            Objection(text=text, suggested_response=response, category=category.lower())
            for category, text, response in OBJECTIONS
            if text not in existing
        ]
    )
    return created_types


def _rating(rng, profile, progress, bias=0.0):
    value = profile["base"] + profile["trend"] * progress + bias + rng.uniform(-0.9, 0.9)
    return max(1, min(5, round(value)))


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Builder:
    """Builds calls with their questions and objections in memory, then inserts them in bulk."""

    def __init__(self, rng, now):
        self.rng = rng
        self.now = now
        self.calls = []
        self.questions = []  # (call index, CallQuestion)
        self.objections = []  # (call index, CallObjection)
        self.types = {t.name: t for t in CallType.objects.prefetch_related("questions")}
        self.library = list(Objection.objects.all())

    def about(self, rep, pools):
        rng = self.rng
        contacts, deals_by_account, leads = pools
        if leads and rng.random() < 0.12:
            return {"lead": rng.choice(leads)}, "Discovery"
        contact = rng.choice(contacts)
        deal = None
        deals = deals_by_account.get(contact.account_id) or []
        if deals and rng.random() < 0.6:
            deal = rng.choice(deals)
        if deal is not None:
            kind = rng.choice(["Demo", "Follow-up", "Negotiation", "Follow-up"])
        elif rep.username in ("rep3", "rep4") and rng.random() < 0.5:
            kind = "Check-in"
        else:
            kind = rng.choice(["Discovery", "Discovery", "Follow-up", "Demo"])
        return {"contact": contact, "account": contact.account, "deal": deal}, kind

    def add(self, rep, pools, scheduled_at, state, progress=0.5):
        rng = self.rng
        about, kind = self.about(rep, pools)
        call_type = self.types.get(kind)
        profile = PROFILES[rep.username]
        ahead = rng.random() < profile["ahead"] or state == "planned"
        created_at = (
            scheduled_at - timedelta(hours=rng.randint(2, 96))
            if ahead
            else scheduled_at + timedelta(minutes=rng.randint(40, 600))
        )
        created_at = min(created_at, self.now)
        call = Call(
            owner=rep,
            scheduled_at=scheduled_at,
            planned_duration_minutes=call_type.default_duration_minutes if call_type else 30,
            call_type=call_type,
            channel=rng.choice(["phone", "phone", "video", "video", "in_person"]),
            purpose=rng.choice(PURPOSES.get(kind, ["Catch up"])),
            desired_outcome=DESIRED.get(kind, ""),
            created_at=created_at,
            status=Call.Status.PLANNED,
            **about,
        )
        index = len(self.calls)
        self.calls.append(call)
        bank = [q.text for q in call_type.questions.all()] if call_type else []
        planned_objections = rng.sample(self.library, k=min(len(self.library), rng.randint(1, 2)))
        held = state in ("completed", "debriefed", "awaiting_review", "reviewed")
        asked_flags = []
        for n, text in enumerate(bank):
            asked = None
            if held:
                asked = rng.random() < profile["ask"] + (0.08 if n < 2 else -0.05)
            elif state in ("no_show", "no_show_debriefed"):
                asked = False
            asked_flags.append(asked)
            self.questions.append(
                (
                    index,
                    CallQuestion(
                        order=n,
                        text=text,
                        asked=asked,
                        answer=rng.choice(ANSWERS) if asked else "",
                        unasked_reason=rng.choice(UNASKED_REASONS)
                        if asked is False and state in ("debriefed", "awaiting_review", "reviewed")
                        else "",
                    ),
                )
            )
        handled_any = []
        for n, objection in enumerate(planned_objections):
            encountered = None
            handled = None
            response = ""
            if held:
                encountered = rng.random() < 0.6
                if encountered:
                    handled = rng.random() < profile["handle"]
                    response = (
                        objection.suggested_response
                        if handled
                        else "Said we would come back on it."
                    )
                    handled_any.append(handled)
            elif state in ("no_show", "no_show_debriefed"):
                encountered = False
            self.objections.append(
                (
                    index,
                    CallObjection(
                        order=n,
                        library_objection=objection,
                        text=objection.text,
                        planned=True,
                        planned_response=objection.suggested_response,
                        encountered=encountered,
                        response_given=response,
                        handled_well=handled,
                    ),
                )
            )
        if held and rng.random() < 0.3:
            surprise = rng.choice(self.library)
            handled = rng.random() < profile["handle"] - 0.15
            handled_any.append(handled)
            self.objections.append(
                (
                    index,
                    CallObjection(
                        order=len(planned_objections),
                        library_objection=surprise,
                        text=surprise.text,
                        planned=False,
                        encountered=True,
                        response_given="Improvised: " + surprise.suggested_response.lower()
                        if handled
                        else "Did not have a good answer.",
                        handled_well=handled,
                    ),
                )
            )
        self._advance(call, state, profile, progress, asked_flags, handled_any)
        return call

    def _advance(self, call, state, profile, progress, asked_flags, handled_any):
        rng = self.rng
        if state == "planned":
            return
        if state == "cancelled":
            call.status = Call.Status.CANCELLED
            call.cancel_reason = rng.choice(
                ["Buyer asked to postpone", "Contact left the company", ""]
            )
            return
        if state == "rescheduled":
            call.status = Call.Status.RESCHEDULED
            call.result = Call.Result.RESCHEDULED
            call.completed_at = min(
                self.now, call.scheduled_at - timedelta(hours=rng.randint(1, 20))
            )
            call.outcome = "Buyer asked to move the call"
            return
        call.completed_at = min(
            self.now,
            call.scheduled_at
            + timedelta(minutes=call.planned_duration_minutes + rng.randint(5, 900)),
        )
        if state.startswith("no_show"):
            call.status = Call.Status.NO_SHOW
            call.result = Call.Result.NO_SHOW
            call.outcome = rng.choice(
                ["Did not join the video call", "No answer; left a voicemail", ""]
            )
            if state == "no_show_debriefed":
                call.status = Call.Status.DEBRIEFED
                call.debriefed_at = min(
                    self.now, call.completed_at + timedelta(hours=rng.randint(1, 30))
                )
            return
        call.status = Call.Status.COMPLETED
        call.result = Call.Result.HELD
        call.duration_minutes = max(5, call.planned_duration_minutes + rng.randint(-10, 15))
        call.outcome = rng.choice(OUTCOMES_HELD)
        call.next_steps = rng.choice(NEXT_STEPS)
        if state == "completed":
            return
        call.status = Call.Status.DEBRIEFED
        lag = rng.choice([0.5, 1, 2, 3, 5, 8, 20, 26, 48, 70])
        call.debriefed_at = min(self.now, call.completed_at + timedelta(hours=lag))
        call.went_well = rng.choice(WENT_WELL)
        call.unresolved_problems = [
            {"problem": p, "proposed_solution": s}
            for p, s in rng.sample(PROBLEMS, k=rng.randint(0, 2))
        ]
        if state == "debriefed":
            return  # debriefed without asking for a review
        call.review_requested_at = call.debriefed_at
        if state == "awaiting_review":
            return
        call.status = Call.Status.REVIEWED
        call.reviewed_at = min(
            self.now,
            call.review_requested_at + timedelta(hours=rng.choice([2, 5, 18, 26, 40, 60, 96])),
        )
        asked_share = (sum(1 for a in asked_flags if a) / len(asked_flags)) if asked_flags else 0.7
        handled_share = (sum(handled_any) / len(handled_any)) if handled_any else 0.6
        call.rating_preparation = _rating(rng, profile, progress, 0.3)
        call.rating_questioning = _rating(rng, profile, progress, (asked_share - 0.75) * 3)
        call.rating_objection_handling = _rating(rng, profile, progress, (handled_share - 0.6) * 2)
        call.rating_next_step = _rating(rng, profile, progress, -0.2)
        call.feedback = rng.choice(FEEDBACK)
        call.coaching_points = "\n".join(rng.sample(COACHING, k=2))
        if call.reviewed_at < self.now - timedelta(days=2) or rng.random() < 0.4:
            call.acknowledged_at = min(
                self.now, call.reviewed_at + timedelta(hours=rng.randint(1, 30))
            )

    def save(self, reviewers):
        for call in self.calls:
            if call.status == Call.Status.REVIEWED:
                call.reviewer = reviewers[call.owner.username]
        Call.objects.bulk_create(self.calls, batch_size=200)
        questions = []
        for index, question in self.questions:
            question.call = self.calls[index]
            questions.append(question)
        CallQuestion.objects.bulk_create(questions, batch_size=500)
        objections = []
        for index, objection in self.objections:
            objection.call = self.calls[index]
            objections.append(objection)
        CallObjection.objects.bulk_create(objections, batch_size=500)


def _past_state(rng, days_ago):
    """Older calls are further along; recent ones still wait for a debrief or a review."""
    roll = rng.random()
    if roll < 0.05:
        return "cancelled"
    if roll < 0.08:
        return "rescheduled"
    if roll < 0.13:
        return "no_show_debriefed" if days_ago > 3 else "no_show"
    if days_ago <= 2:
        return rng.choice(["completed", "completed", "awaiting_review", "debriefed"])
    if days_ago <= 10:
        return rng.choice(
            ["reviewed", "awaiting_review", "awaiting_review", "debriefed", "completed"]
        )
    if roll < 0.20:
        return "debriefed"
    if roll < 0.24:
        return "completed"
    return "reviewed"


@transaction.atomic
def seed(*, stdout=None):
    rng = random.Random(20261128)
    new_types = seed_library()
    users = {
        u.username: u for u in User.objects.filter(username__in=REPS + list(MANAGER_OF.values()))
    }
    if any(name not in users for name in REPS + list(MANAGER_OF.values())):
        return
    if Call.objects.filter(owner__username__in=REPS).exists():
        if stdout:
            stdout.write(f"  calls: {Call.objects.count()} (already seeded)")
        return
    now = timezone.now()
    today = timezone.localdate()
    builder = _Builder(rng, now)
    reviewers = {rep: users[manager] for rep, manager in MANAGER_OF.items()}
    for username in REPS:
        rep = users[username]
        contacts = list(Contact.objects.filter(owner=rep).select_related("account"))
        if not contacts:
            continue
        deals_by_account = {}
        for deal in Deal.objects.filter(owner=rep, status=Deal.Status.OPEN):
            deals_by_account.setdefault(deal.account_id, []).append(deal)
        leads = list(
            Lead.objects.filter(owner=rep).exclude(
                status__in=[Lead.Status.CONVERTED, Lead.Status.DISQUALIFIED]
            )[:30]
        )
        pools = (contacts, deals_by_account, leads)
        for _ in range(PAST_CALLS_PER_REP):
            days_ago = rng.randint(1, DAYS_BACK)
            day = today - timedelta(days=days_ago)
            if day.weekday() >= 5:
                day -= timedelta(days=day.weekday() - 4)
            when = _at(day, rng.randint(8, 16), rng.choice([0, 15, 30, 45]))
            progress = 1 - days_ago / DAYS_BACK
            builder.add(rep, pools, when, _past_state(rng, days_ago), progress)
        # Two planned calls never logged (the agenda asks for them), then today and the week.
        for days_ago in (1, 3):
            builder.add(rep, pools, _at(today - timedelta(days=days_ago), 11, 0), "planned")
        for hour in (9, 11, 14, 16):
            builder.add(rep, pools, _at(today, hour, rng.choice([0, 30])), "planned")
        for days_ahead in range(1, 8):
            if (today + timedelta(days=days_ahead)).weekday() < 5:
                builder.add(
                    rep,
                    pools,
                    _at(today + timedelta(days=days_ahead), rng.randint(9, 16), 0),
                    "planned",
                )
    builder.save(reviewers)
    if stdout:
        stdout.write(
            f"  calls: {len(builder.calls)} new ({new_types} new call types), "
            f"objection library: {Objection.objects.count()}"
        )


def register():
    register_demo(DemoSeeder("calls", seed, order=50))
