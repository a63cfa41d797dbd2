"""Reads for call management: lists, the agenda, the review queue, the coaching figures.

Every read starts from `Call.objects.visible_to(user)`; reports aggregate in SQL.
"""

from datetime import datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, TruncWeek
from django.utils import timezone

from salesproc.access import get_visible_or_404
from salesproc.models import User, users_visible_to

from .models import Call, CallObjection, CallQuestion, CallType, Objection

CALL_ORDERINGS = {
    "when": "scheduled_at",
    "-when": "-scheduled_at",
    "status": "status",
    "-status": "-status",
    "owner": "owner__first_name",
    "-owner": "-owner__first_name",
    "purpose": "purpose",
    "-purpose": "-purpose",
}
HAPPENED = (Call.Status.COMPLETED, Call.Status.NO_SHOW, Call.Status.DEBRIEFED, Call.Status.REVIEWED)


def get_call_for_user(user, pk, *, for_write=False):
    """The one fetch-and-check: a call the user may not see is a 404.

    Whether the user may change it is the services' rule (`require_owner`,
    `may_review`); `for_write` locks the row for a step taken in this transaction.
    """
    qs = (
        Call.objects.with_list_data()
        .select_related("owner__team")
        .prefetch_related(
            Prefetch("questions", queryset=CallQuestion.objects.order_by("order", "id")),
            Prefetch(
                "objections",
                queryset=CallObjection.objects.select_related("library_objection").order_by(
                    "order", "id"
                ),
            ),
        )
    )
    return get_visible_or_404(qs, user, pk, for_write=for_write)


def planned_follow_up(call):
    """The follow-up already planned for `call` (the first one still on), or None."""
    return Call.objects.live_follow_ups_of(call).order_by("scheduled_at", "id").first()


def questions_not_asked(call):
    """Planned questions the rep did not ask (derived from the execution record)."""
    return [q for q in call.questions.all() if q.asked is False]


def _to_debrief():
    return Q(status__in=(Call.Status.COMPLETED, Call.Status.NO_SHOW))


def _to_log():
    today_start, _ = _day_bounds(timezone.localdate())
    return Q(status=Call.Status.PLANNED, scheduled_at__lt=today_start)


# What waits on someone, as the list's `status` filter (the home widget's tiles link here).
WAITING_STATUSES = {"to_debrief": _to_debrief, "to_log": _to_log}


def call_list(
    *,
    user,
    search="",
    status="",
    owner=None,
    call_type=None,
    channel="",
    period="",
    ordering="-when",
):
    qs = Call.objects.visible_to(user).with_list_data()
    if search:
        qs = qs.filter(
            Q(purpose__icontains=search)
            | Q(contact__first_name__icontains=search)
            | Q(contact__last_name__icontains=search)
            | Q(account__name__icontains=search)
            | Q(deal__name__icontains=search)
            | Q(lead__last_name__icontains=search)
            | Q(lead__company_name__icontains=search)
        )
    if status in WAITING_STATUSES:
        qs = qs.filter(WAITING_STATUSES[status]())
    elif status:
        qs = qs.filter(status=status)
    if owner:
        qs = qs.filter(owner_id=owner)
    if call_type:
        qs = qs.filter(call_type_id=call_type)
    if channel:
        qs = qs.filter(channel=channel)
    now = timezone.now()
    if period == "upcoming":
        qs = qs.filter(scheduled_at__gte=now)
    elif period == "past":
        qs = qs.filter(scheduled_at__lt=now)
    order = CALL_ORDERINGS.get(ordering, "-scheduled_at")
    return qs.order_by(order, "-id")


def calls_about(*, user, obj, limit=8):
    """A record's calls (contact, account, deal or lead), newest first, for its panel."""
    field = {
        "accounts.contact": "contact",
        "accounts.account": "account",
        "deals.deal": "deal",
        "leads.lead": "lead",
    }[obj._meta.label_lower]
    qs = (
        Call.objects.visible_to(user)
        .filter(**{field: obj})
        .select_related("owner", "call_type", "contact")
        .order_by("-scheduled_at", "-id")
    )
    return list(qs[:limit])


def _day_bounds(day):
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def agenda(*, user, days_ahead=14):
    """The rep's own calls: to log, today, upcoming, awaiting debrief, recently reviewed."""
    mine = Call.objects.filter(owner=user).select_related(
        "call_type", "contact", "account", "deal", "lead"
    )
    now = timezone.now()
    today_start, tomorrow = _day_bounds(timezone.localdate())
    planned = Call.Status.PLANNED
    return {
        "to_log": list(
            mine.filter(status=planned, scheduled_at__lt=today_start).order_by("scheduled_at")[:50]
        ),
        "today": list(
            mine.filter(scheduled_at__gte=today_start, scheduled_at__lt=tomorrow)
            .exclude(status__in=(Call.Status.CANCELLED, Call.Status.RESCHEDULED))
            .order_by("scheduled_at")
        ),
        "upcoming": list(
            mine.filter(
                status=planned,
                scheduled_at__gte=tomorrow,
                scheduled_at__lt=tomorrow + timedelta(days=days_ahead),
            ).order_by("scheduled_at")[:50]
        ),
        "awaiting_debrief": list(
            mine.filter(status__in=(Call.Status.COMPLETED, Call.Status.NO_SHOW)).order_by(
                "scheduled_at"
            )[:50]
        ),
        "reviewed": list(
            mine.filter(status=Call.Status.REVIEWED)
            .filter(Q(acknowledged_at__isnull=True) | Q(reviewed_at__gte=now - timedelta(days=30)))
            .select_related("reviewer")
            .order_by("-reviewed_at", "-id")[:8]
        ),
    }


def review_queue(*, user):
    """Debriefs waiting for this manager's (or admin's) review, oldest request first."""
    return (
        awaiting_my_review(user=user)
        .with_list_data()
        .annotate(
            # Per row shown (correlated subqueries), not a GROUP BY over every question
            # of every waiting call.
            question_count=_question_count(),
            unasked_count=_question_count(asked=False),
        )
        .order_by("review_requested_at", "id")
    )


def awaiting_my_review(*, user):
    """The calls of the review queue, bare: what its count and the home widget read."""
    if not (user.is_manager or user.is_crm_admin):
        return Call.objects.none()
    return Call.objects.visible_to(user).awaiting_review().exclude(owner=user)


def _question_count(**conditions):
    questions = (
        CallQuestion.objects.filter(call=OuterRef("pk"), **conditions)
        .order_by()
        .values("call")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(questions, output_field=IntegerField()), 0)


def active_call_types():
    return (
        CallType.objects.filter(is_active=True)
        .prefetch_related("questions")
        .order_by("order", "name")
    )


def objection_library():
    return Objection.objects.filter(is_active=True).order_by("category", "text")


# -- coaching dashboard -----------------------------------------------------------

PERIODS = {"30": 30, "90": 90, "180": 180, "365": 365}


def _hours(value):
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 3600, 1)
    return round(float(value) / 3_600_000_000, 1)  # microseconds (SQLite)


def _share(part, whole):
    return (part / whole) if whole else None


def coaching_scope(*, user, days=90, owner=None, today=None):
    """The calls the dashboard counts: visible to the manager, scheduled in the period."""
    today = today or timezone.localdate()
    start, _ = _day_bounds(today - timedelta(days=days - 1))
    _, end = _day_bounds(today)
    qs = Call.objects.visible_to(user).filter(scheduled_at__gte=start, scheduled_at__lt=end)
    if owner:
        qs = qs.filter(owner_id=owner)
    return qs


AVERAGED = {  # figure: (the value averaged, the calls it is averaged over)
    "debrief_delay": (
        ExpressionWrapper(F("debriefed_at") - F("scheduled_at"), output_field=DurationField()),
        Q(result=Call.Result.HELD, debriefed_at__isnull=False),
    ),
    "review_delay": (
        ExpressionWrapper(
            F("reviewed_at") - F("review_requested_at"), output_field=DurationField()
        ),
        Q(reviewed_at__isnull=False, review_requested_at__isnull=False),
    ),
    **{
        f"avg_{name}": (
            Cast(f"rating_{name}", FloatField()),
            Q(**{f"rating_{name}__isnull": False}),
        )
        for name in ("preparation", "questioning", "objection_handling", "next_step")
    },
}


def _figures():
    """The dashboard's figures per rep, as annotations: counts, and each average as a sum
    and the number of calls summed, so the team's totals add up from the reps' rows
    (one pass over the calls instead of two)."""
    held = Q(result=Call.Result.HELD)
    figures = {
        "calls": Count("id"),
        "held": Count("id", filter=held),
        "no_show": Count("id", filter=Q(result=Call.Result.NO_SHOW)),
        "planned_ahead": Count("id", filter=held & Q(created_at__lt=F("scheduled_at"))),
        "debriefed": Count("id", filter=held & Q(debriefed_at__isnull=False)),
        "review_requested": Count("id", filter=Q(review_requested_at__isnull=False)),
        "reviewed": Count("id", filter=Q(reviewed_at__isnull=False)),
    }
    for key, (value, over) in AVERAGED.items():
        figures[f"{key}__sum"] = Sum(value, filter=over)
        figures[f"{key}__n"] = Count("id", filter=over)
    return figures


def _totals(rows):
    """The team's figures: every count and sum of the reps' rows added up (a sum stays
    None when no rep had a call to sum)."""
    totals = {}
    for key in _figures():
        values = [row[key] for row in rows if row[key] is not None]
        if key.endswith("__sum"):
            totals[key] = sum(values[1:], values[0]) if values else None
        else:
            totals[key] = sum(values)
    return totals


def _shape(row):
    for key in AVERAGED:
        total, n = row.pop(f"{key}__sum"), row.pop(f"{key}__n")
        row[key] = total / n if n and total is not None else None
    held = row["held"]
    row["planned_ahead_share"] = _share(row["planned_ahead"], held)
    row["debrief_rate"] = _share(row["debriefed"], held)
    row["debrief_delay_hours"] = _hours(row["debrief_delay"])
    row["review_delay_hours"] = _hours(row["review_delay"])
    for key in ("avg_preparation", "avg_questioning", "avg_objection_handling", "avg_next_step"):
        row[key] = round(row[key], 2) if row[key] is not None else None
    return row


def coaching_dashboard(*, user, days=90, owner=None, today=None, top=10, people=()):
    """Every figure of the coaching dashboard, each computed by the database.

    - planned ahead: held calls whose plan was recorded before the call's time
    - debrief rate and delay: held calls debriefed, and hours from the call to its debrief
    - review delay: hours from the review request to the review
    - ratings: averages per rep, and the mean of the four ratings per rep per week
    - objections: those met on held calls, how often each was handled well
    - skipped questions: planned questions not asked on held calls

    `people` (users already loaded by the caller) name the reps without another query.
    """
    qs = coaching_scope(user=user, days=days, owner=owner, today=today)
    rows = list(qs.order_by().values("owner").annotate(**_figures()))
    totals = _shape(_totals(rows))
    per_rep = {row["owner"]: _shape(row) for row in rows}
    names = {u.pk: u.display_name for u in people}
    missing = set(per_rep) - set(names)
    if missing:  # owners no longer among the people the caller manages
        names.update({u.pk: u.display_name for u in User.objects.filter(pk__in=missing)})
    rep_rows = sorted(
        ({"owner_id": pk, "name": names.get(pk, "?"), **row} for pk, row in per_rep.items()),
        key=lambda r: r["name"],
    )

    overall = (
        F("rating_preparation")
        + F("rating_questioning")
        + F("rating_objection_handling")
        + F("rating_next_step")
    )
    weekly = (
        qs.filter(reviewed_at__isnull=False)
        .annotate(week=TruncWeek("scheduled_at"))
        .order_by()
        .values("owner", "week")
        .annotate(rating=Avg(Cast(overall, FloatField()) / 4.0))
        .order_by("week")
    )
    weeks = sorted({row["week"] for row in weekly})
    series = {}
    for row in weekly:
        if row["rating"] is not None:  # a review imported without ratings
            series.setdefault(row["owner"], {})[row["week"]] = round(row["rating"], 2)
    rating_series = [
        (names.get(pk, "?"), [values.get(w) for w in weeks])
        for pk, values in sorted(series.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    week_labels = [w.strftime("%d %b") if hasattr(w, "strftime") else str(w)[:10] for w in weeks]

    held_calls = qs.filter(result=Call.Result.HELD)
    objections = list(
        CallObjection.objects.filter(call__in=held_calls, encountered=True)
        .annotate(label=Coalesce("library_objection__text", "text"))
        .order_by()
        .values("label")
        .annotate(times=Count("id"), handled=Count("id", filter=Q(handled_well=True)))
        .order_by("-times", "label")[:top]
    )
    for row in objections:
        row["handled_share"] = _share(row["handled"], row["times"])
    skipped = list(
        CallQuestion.objects.filter(call__in=held_calls, asked__isnull=False)
        .order_by()
        .values("text")
        .annotate(planned=Count("id"), skipped=Count("id", filter=Q(asked=False)))
        .filter(skipped__gt=0)
        .order_by("-skipped", "text")[:top]
    )
    for row in skipped:
        row["skipped_share"] = _share(row["skipped"], row["planned"])
    return {
        "totals": totals,
        "reps": rep_rows,
        "rating_series": rating_series,
        "week_labels": week_labels,
        "objections": objections,
        "skipped_questions": skipped,
    }


def coaching_reps(*, user):
    """People whose calls the dashboard may filter on."""
    return users_visible_to(user).order_by("first_name", "username")


def home_figures(*, user):
    """The home widget: today's calls and what waits for a debrief or a review: a rep's
    own, a manager's team's (theirs included, each call with its rep's name)."""
    team = user.is_manager
    today_start, tomorrow = _day_bounds(timezone.localdate())
    calls = Call.objects.visible_to(user) if team else Call.objects.filter(owner=user)
    counts = calls.aggregate(
        awaiting_debrief=Count("id", filter=_to_debrief()),
        to_log=Count("id", filter=_to_log()),
        unacknowledged=Count(
            "id",
            filter=Q(status=Call.Status.REVIEWED, acknowledged_at__isnull=True, owner=user),
        ),
    )
    related = ("contact", "account", "deal", "lead", "call_type") + (("owner",) if team else ())
    today = list(
        calls.filter(scheduled_at__gte=today_start, scheduled_at__lt=tomorrow)
        .exclude(status__in=(Call.Status.CANCELLED, Call.Status.RESCHEDULED))
        .select_related(*related)
        .order_by("scheduled_at", "id")[:8]
    )
    reviews_waiting = (
        awaiting_my_review(user=user).count() if (user.is_manager or user.is_crm_admin) else None
    )
    return {"today": today, "reviews_waiting": reviews_waiting, "team": team, **counts}


def calendar_calls(*, user: User, since_days=30):
    """Planned calls for the user's calendar feed, from a month back onward."""
    since = timezone.now() - timedelta(days=since_days)
    return (
        Call.objects.filter(owner=user, status=Call.Status.PLANNED, scheduled_at__gte=since)
        .select_related("call_type", "contact", "account", "deal", "lead")
        .prefetch_related(
            Prefetch("questions", queryset=CallQuestion.objects.order_by("order", "id"))
        )
        .order_by("scheduled_at")
    )
