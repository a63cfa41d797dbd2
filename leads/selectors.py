"""Reads for leads: the current criteria, list queries, qualification history, metrics."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Account, Contact, normalise_domain
from salesproc.access import get_visible_or_404

from .models import CriteriaVersion, Criterion, DisqualificationReason, Lead
from .scoring import Criteria, criteria_from_snapshot

LEAD_ORDERINGS = {
    # Leads most likely to convert first; unscored ones last.
    "-score": [F("score").desc(nulls_last=True), "-created_at"],
    "score": [F("score").asc(nulls_last=True), "-created_at"],
    "-created": ["-created_at"],
    "created": ["created_at"],
    "name": ["last_name", "first_name"],
    "-name": ["-last_name", "-first_name"],
    "company": ["company_name"],
    "-company": ["-company_name"],
    "status": ["status"],
    "-status": ["-status"],
}
DEFAULT_LEAD_ORDERING = "-score"
OPEN, ALL = "open", "all"
OPEN_STATUSES = [Lead.Status.NEW, Lead.Status.WORKING, Lead.Status.QUALIFIED]

# Webmail domains say nothing about the company a lead works for.
FREE_MAIL_DOMAINS = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "proton.me",
    "protonmail.com",
}


# -- criteria -----------------------------------------------------------------------


def current_version() -> CriteriaVersion | None:
    """The criteria version in force. Only reads: migration 0003 (and seed_demo) seed the
    defaults, and the services that need a version make it when there is none."""
    return CriteriaVersion.objects.order_by("-number").first()


def version_number_of(version_id) -> int | None:
    """The number of a criteria version given its id (None when there is none)."""
    if not str(version_id).isdigit():
        return None
    return (
        CriteriaVersion.objects.filter(pk=int(version_id)).values_list("number", flat=True).first()
    )


def criteria_of(version: CriteriaVersion | None) -> Criteria:
    if version is None:
        return Criteria([])
    return criteria_from_snapshot(
        version.criteria,
        version_id=version.pk,
        version_number=version.number,
        qualify_at=version.qualify_at,
        disqualify_below=version.disqualify_below,
    )


def current_criteria() -> Criteria:
    """The current version's criteria and thresholds, in asking order (one query)."""
    return criteria_of(current_version())


def live_criteria():
    return Criterion.objects.order_by("order", "id")


def active_reasons():
    """Disqualification reasons to offer, in their order."""
    return list(DisqualificationReason.objects.filter(is_active=True).order_by("order", "name"))


def all_reasons():
    """Every reason, offered ones first (the admin list)."""
    return DisqualificationReason.objects.order_by("-is_active", "order", "name")


# -- leads --------------------------------------------------------------------------


def get_lead_for_user(user, pk, *, for_write=False, queryset=None) -> Lead:
    """The lead `user` may see, else Http404 (missing and not-yours look the same).

    Whoever sees a lead may change it (its owner, their manager, an admin), so
    `for_write` only locks the row (call it inside a transaction). `queryset` adds
    select_related and the like; visibility is applied here whatever it is.
    """
    qs = queryset if queryset is not None else Lead.objects.select_related("owner")
    return get_visible_or_404(qs, user, pk, for_write=for_write)


def lead_list(
    *,
    user,
    search="",
    status="",
    owner=None,
    source="",
    min_score=None,
    ordering=DEFAULT_LEAD_ORDERING,
):
    qs = Lead.objects.visible_to(user).with_list_data()
    if search:
        qs = qs.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(company_name__icontains=search)
        )
    if status == OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status and status != ALL:
        qs = qs.filter(status=status)
    if owner:
        qs = qs.filter(owner_id=owner)
    if source:
        qs = qs.filter(source=source)
    if min_score is not None:
        qs = qs.filter(score__gte=min_score)
    order = LEAD_ORDERINGS.get(ordering, LEAD_ORDERINGS[DEFAULT_LEAD_ORDERING])
    return qs.order_by(*order, "id")


def lead_sources(*, user):
    return list(
        Lead.objects.visible_to(user)
        .exclude(source="")
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()
    )


def lead_fields(lead):
    """The lead's own fields, as the profile rules read them."""
    return {
        "industry": lead.industry,
        "employee_count": lead.employee_count,
        "country": lead.country,
        "company_name": lead.company_name,
        "website": lead.website,
        "email": lead.email,
    }


def working_qualification(lead):
    return lead.qualifications.filter(decided_at__isnull=True).select_related("version").first()


def latest_decided_qualification(lead):
    return (
        lead.qualifications.filter(decided_at__isnull=False)
        .select_related("version")
        .order_by("-decided_at", "-id")
        .first()
    )


def qualification_history(lead):
    return (
        lead.qualifications.filter(decided_at__isnull=False)
        .select_related("version", "by", "disqualification_reason")
        .order_by("-decided_at", "-id")
    )


def lead_domain(lead):
    """The company's domain: from the website, else from a non-webmail email address."""
    domain = normalise_domain(lead.website)
    if domain:
        return domain
    if lead.email and "@" in lead.email:
        email_domain = lead.email.rsplit("@", 1)[1].strip().lower()
        if email_domain and email_domain not in FREE_MAIL_DOMAINS:
            return email_domain
    return ""


def _preferring(qs, *conditions):
    """Order rows matching the earlier conditions first, then by id."""
    ranks = {}
    for n, condition in enumerate(conditions):
        ranks[f"_pref{n}"] = Case(When(condition, then=Value(0)), default=Value(1))
    return qs.annotate(**ranks).order_by(*ranks, "id")


HIDDEN_ACCOUNT_MATCH = "A matching account exists in another team; ask its owner or your manager."
HIDDEN_CONTACT_MATCH = "A matching contact exists in another team; ask its owner or your manager."


@dataclass
class ConversionMatches:
    """What converting would reuse, seen by the converting user.

    `account` and `contact` are records the user can see. When none is visible but a
    record in another team matches, `refusal` says so without naming it: conversion
    then creates nothing (a second account for the same company would split its
    history between two teams).
    """

    account: object = None
    contact: object = None
    hidden_account: bool = False
    hidden_contact: bool = False

    @property
    def refusal(self):
        if self.hidden_account:
            return HIDDEN_ACCOUNT_MATCH
        if self.hidden_contact:
            return HIDDEN_CONTACT_MATCH
        return ""


def conversion_matches(*, lead, user) -> ConversionMatches:
    """The account (by domain) and contact (by email) converting would reuse.

    Only records `user` can see are matched; a match the user cannot see only sets the
    hidden_* flag.
    """
    matches = ConversionMatches()
    visible_contacts = Contact.objects.visible_to(user)
    if lead.email:
        same_email = Contact.objects.filter(email__iexact=lead.email)
        matches.contact = (
            visible_contacts.filter(email__iexact=lead.email)
            .select_related("account")
            .order_by("id")
            .first()
        )
        matches.hidden_contact = matches.contact is None and same_email.exists()
    domain = lead_domain(lead)
    visible_accounts = Account.objects.visible_to(user)
    if domain:
        contact = matches.contact
        conditions = []
        if contact is not None and contact.account_id:
            # The person's own company wins when it has the same domain.
            conditions.append(Q(pk=contact.account_id))
        matches.account = _preferring(
            visible_accounts.filter(domain__iexact=domain), *conditions
        ).first()
        matches.hidden_account = (
            matches.account is None and Account.objects.filter(domain__iexact=domain).exists()
        )
    contact = matches.contact
    if (
        matches.account is None
        and contact is not None
        and contact.account_id
        and visible_accounts.filter(pk=contact.account_id).exists()
    ):
        matches.account = contact.account
    return matches


def converted_leads_for(*, user, **filters):
    return (
        Lead.objects.visible_to(user)
        .filter(**filters)
        .select_related("owner")
        .order_by("-converted_at", "-id")
    )


def leads_to_work(*, user, limit=5, team=False):
    """The leads most likely to convert still to work: the user's own, or with `team`
    everything they see (a manager's team's), each with its owner."""
    leads = (
        Lead.objects.visible_to(user).select_related("owner")
        if team
        else Lead.objects.filter(owner=user)
    )
    return list(
        leads.to_work().order_by(F("score").desc(nulls_last=True), "-created_at", "id")[:limit]
    )


def home_figures(*, user):
    """The home widget: the leads still to qualify and the five most likely to convert:
    a rep's own, a manager's team's (theirs included)."""
    team = user.is_manager
    leads = Lead.objects.visible_to(user) if team else Lead.objects.filter(owner=user)
    figures = leads.aggregate(
        to_work=Count("id", filter=Q(status__in=[Lead.Status.NEW, Lead.Status.WORKING])),
        new=Count("id", filter=Q(status=Lead.Status.NEW)),
    )
    return {**figures, "top": leads_to_work(user=user, limit=5, team=team), "team": team}


# -- metrics ------------------------------------------------------------------------

PERIODS = {"30": 30, "90": 90, "180": 180, "365": 365, "all": None}
DEFAULT_PERIOD = "180"


def qualification_metrics(*, user, period=DEFAULT_PERIOD, now=None):
    """Figures for the manager's dashboard, each computed by the database.

    The period filters leads by when they were created.
    """
    now = now or timezone.now()
    days = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    leads = Lead.objects.visible_to(user)
    if days is not None:
        leads = leads.filter(created_at__gte=now - timedelta(days=days))
    qualified_states = [Lead.Status.QUALIFIED, Lead.Status.CONVERTED]
    totals = leads.aggregate(
        total=Count("id"),
        new=Count("id", filter=Q(status=Lead.Status.NEW)),
        working=Count("id", filter=Q(status=Lead.Status.WORKING)),
        qualified=Count("id", filter=Q(status=Lead.Status.QUALIFIED)),
        disqualified=Count("id", filter=Q(status=Lead.Status.DISQUALIFIED)),
        converted=Count("id", filter=Q(status=Lead.Status.CONVERTED)),
        avg_time_to_qualify=Avg(
            ExpressionWrapper(F("qualified_at") - F("created_at"), output_field=DurationField()),
            filter=Q(status__in=qualified_states, qualified_at__isnull=False),
        ),
        avg_score=Avg("score"),
    )
    decided = totals["qualified"] + totals["converted"] + totals["disqualified"]
    ever_qualified = totals["qualified"] + totals["converted"]
    totals["qualification_rate"] = ever_qualified / decided if decided else None
    totals["conversion_rate"] = totals["converted"] / totals["total"] if totals["total"] else None
    duration = totals["avg_time_to_qualify"]
    totals["avg_days_to_qualify"] = (
        round(duration.total_seconds() / 86400, 1) if duration is not None else None
    )
    status_labels = dict(Lead.Status.choices)
    by_status = [
        (status_labels[key], totals[key])
        for key in ("new", "working", "qualified", "disqualified", "converted")
    ]
    by_source = list(
        leads.values("source")
        .annotate(
            total=Count("id"),
            qualified=Count("id", filter=Q(status__in=qualified_states)),
            disqualified=Count("id", filter=Q(status=Lead.Status.DISQUALIFIED)),
            converted=Count("id", filter=Q(status=Lead.Status.CONVERTED)),
        )
        .order_by("-total", "source")
    )
    for row in by_source:
        row["source"] = row["source"] or "(none)"
        row["conversion_rate"] = row["converted"] / row["total"] if row["total"] else None
    reasons = list(
        leads.filter(status=Lead.Status.DISQUALIFIED)
        .values(name=F("disqualification_reason__name"))
        .annotate(count=Count("id"))
        .order_by("-count", "name")
    )
    for row in reasons:
        row["name"] = row["name"] or "(no reason)"
    monthly = list(
        leads.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            created=Count("id"),
            qualified=Count("id", filter=Q(status__in=qualified_states)),
            converted=Count("id", filter=Q(status=Lead.Status.CONVERTED)),
        )
        .order_by("month")
    )
    return {
        "totals": totals,
        "by_status": by_status,
        "by_source": by_source,
        "reasons": reasons,
        "monthly": monthly,
        "period": period if period in PERIODS else DEFAULT_PERIOD,
    }
