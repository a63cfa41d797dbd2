"""Writes of the time audit: opening a period, categories, time entries, the timer and
the reminders."""

import math
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone

from salesproc.access import get_visible_or_404
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import apply_changes, notify

from .models import AuditCategory, RunningTimer, TimeAudit, TimeAuditParticipant, TimeEntry

MAX_DAYS = 31
ENTRY_FIELDS = ("category", "day", "minutes", "note")


def may_open(user):
    return bool(user.is_crm_admin or user.is_manager)


def get_audit_for_user(user, pk):
    return get_visible_or_404(TimeAudit.objects.all(), user, pk)


def participants_for(*, actor, teams, roles):
    """Active people an audit for these teams and roles covers; a manager only their teams."""
    people = User.objects.filter(is_active=True)
    if not actor.is_crm_admin:
        allowed = set(actor.managed_team_ids)
        if not teams:
            teams = list(allowed)
        elif any(team.pk not in allowed for team in teams):
            raise ValidationError({"teams": ["A manager opens an audit for their own team only."]})
    if teams:
        people = people.filter(team__in=teams)
    if roles:
        people = people.filter(role__in=roles)
    return people


@transaction.atomic
def audit_open(*, actor, name, starts_on, ends_on=None, teams=(), roles=()):
    """Open an audit period (a week unless ends_on says otherwise) for teams and roles."""
    if not may_open(actor):
        raise PermissionDenied("Only admins and managers open a time audit.")
    errors = {}
    if starts_on is None:
        errors["starts_on"] = ["Choose the first day."]
    else:
        ends_on = ends_on or starts_on + timedelta(days=6)
        if ends_on < starts_on:
            errors["ends_on"] = ["The last day comes after the first."]
        elif (ends_on - starts_on).days + 1 > MAX_DAYS:
            errors["ends_on"] = [f"An audit lasts at most {MAX_DAYS} days."]
    if not (name or "").strip():
        errors["name"] = ["Name the audit."]
    if errors:
        raise ValidationError(errors)
    teams, roles = list(teams), list(roles)
    people = list(
        participants_for(actor=actor, teams=teams, roles=roles).values_list("pk", flat=True)
    )
    if not people:
        raise ValidationError({"teams": ["Nobody is in these teams and roles."]})
    audit = TimeAudit.objects.create(
        name=name.strip()[:150], starts_on=starts_on, ends_on=ends_on, opened_by=actor
    )
    audit.teams.set(teams)
    audit.roles.set(roles)
    TimeAuditParticipant.objects.bulk_create(
        [TimeAuditParticipant(audit=audit, user_id=pk) for pk in people]
    )
    record_event(
        subject=audit,
        name="time_audit.opened",
        actor=actor,
        summary=f"Time audit “{audit.name}” opened for {len(people)} people",
        data={"starts_on": str(starts_on), "ends_on": str(ends_on), "participants": len(people)},
    )
    url = reverse("automation:audit:week", args=[audit.pk])
    for pk in people:
        if pk != actor.pk:
            notify(
                recipient=User(pk=pk),
                text=f"Time audit “{audit.name}”: log your tasks from {starts_on:%d %b} to {ends_on:%d %b}.",
                url=url,
                key=f"time-audit-opened:{audit.pk}:{pk}",
            )
    return audit


def _check_category(category):
    if category is None or not category.is_active:
        raise ValidationError({"category": ["Choose a category in use."]})


def _check_entry(*, actor, entry, exclude_pk=None):
    audit = entry.audit
    if not TimeAuditParticipant.objects.filter(audit=audit, user=actor).exists():
        raise ValidationError({"audit": ["You do not take part in this audit."]})
    _check_category(entry.category)
    errors = {}
    if entry.day is None or not audit.is_open_on(entry.day):
        errors["day"] = [f"Pick a day from {audit.starts_on:%d %b} to {audit.ends_on:%d %b %Y}."]
    if not isinstance(entry.minutes, int) or not 1 <= entry.minutes <= 24 * 60:
        errors["minutes"] = ["Enter between 1 and 1440 minutes."]
    if errors:
        raise ValidationError(errors)
    logged = (
        TimeEntry.objects.filter(audit=audit, user=actor, day=entry.day)
        .exclude(pk=exclude_pk)
        .aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    if logged + entry.minutes > 24 * 60:
        raise ValidationError({"minutes": ["That makes more than 24 hours on one day."]})
    entry.note = (entry.note or "").strip()[:300]


@transaction.atomic
def time_entry_create(*, actor, data):
    audit = data.get("audit")
    if audit is None:
        raise ValidationError({"audit": ["Choose an audit."]})
    entry = TimeEntry(user=actor, **{k: data.get(k) for k in ("audit", *ENTRY_FIELDS)})
    _check_entry(actor=actor, entry=entry)
    entry.save()
    return entry


def get_entry_for_user(user, pk, *, for_write=False):
    """An entry the user may see (404 otherwise); for_write, only its author changes it."""
    entry = get_visible_or_404(
        TimeEntry.objects.select_related("audit"), user, pk, for_write=for_write
    )
    if for_write and entry.user_id != user.pk:
        raise PermissionDenied("Only the author changes a time entry.")
    return entry


@transaction.atomic
def time_entry_update(*, actor, entry, data):
    entry = get_entry_for_user(actor, entry.pk, for_write=True)
    if "audit" in data and data["audit"] is not None and data["audit"].pk != entry.audit_id:
        raise ValidationError({"audit": ["An entry stays in its audit."]})
    apply_changes(entry, ENTRY_FIELDS, data)
    _check_entry(actor=actor, entry=entry, exclude_pk=entry.pk)
    entry.save()
    return entry


@transaction.atomic
def time_entry_delete(*, actor, entry):
    entry = get_entry_for_user(actor, entry.pk, for_write=True)
    entry.delete()


@transaction.atomic
def timer_start(*, actor, audit, category, note=""):
    """Start the timer on a category; the server keeps it, so a reload does not lose it."""
    if not TimeAuditParticipant.objects.filter(audit=audit, user=actor).exists():
        raise ValidationError({"audit": ["You do not take part in this audit."]})
    _check_category(category)
    if not audit.is_open_on(timezone.localdate()):
        raise ValidationError({"audit": ["This audit is not running today."]})
    try:
        with transaction.atomic():
            return RunningTimer.objects.create(
                user=actor, audit=audit, category=category, note=(note or "")[:300]
            )
    except IntegrityError:
        raise ValidationError(
            {"category": ["A timer is already running: stop it first."]}
        ) from None


@transaction.atomic
def timer_stop(*, actor):
    """Stop the running timer and log its minutes (at least one) on the day it started."""
    timer = RunningTimer.objects.select_for_update().filter(user=actor).first()
    if timer is None:
        raise ValidationError({"non_field_errors": ["No timer is running."]})
    minutes = max(1, math.ceil((timezone.now() - timer.started_at).total_seconds() / 60))
    entry = TimeEntry(
        audit=timer.audit,
        user=actor,
        category=timer.category,
        day=timezone.localdate(timer.started_at),
        minutes=min(minutes, 24 * 60),
        note=timer.note,
    )
    timer.delete()
    _check_entry(actor=actor, entry=entry)
    entry.save()
    return entry


@transaction.atomic
def timer_discard(*, actor):
    """Throw the running timer away without logging (left running by mistake)."""
    return RunningTimer.objects.filter(user=actor).delete()[0]


@transaction.atomic
def category_save(*, actor, category=None, data):
    if not actor.is_crm_admin:
        raise PermissionDenied("Only an admin edits audit categories.")
    category = category or AuditCategory()
    apply_changes(category, ("name", "selling", "automation", "order", "is_active"), data)
    category.name = (category.name or "").strip()
    try:
        category.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    category.save()
    return category


def send_reminders(*, today=None):
    """In-app and email reminders to participants who logged nothing by an audit's last
    day, once each (claimed row by row, so two workers never remind twice)."""
    today = today or timezone.localdate()
    sent = 0
    audits = TimeAudit.objects.filter(ends_on__lte=today, ends_on__gte=today - timedelta(days=6))
    seats = (
        TimeAuditParticipant.objects.filter(audit__in=audits, reminded_at__isnull=True)
        .exclude(
            Exists(
                TimeEntry.objects.filter(audit_id=OuterRef("audit_id"), user_id=OuterRef("user_id"))
            )
        )
        .select_related("audit", "user")
    )
    for seat in seats:
        with transaction.atomic():
            claimed = TimeAuditParticipant.objects.filter(
                pk=seat.pk, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not claimed:
                continue
            notify(
                recipient=seat.user,
                text=f"Time audit “{seat.audit.name}” ends {seat.audit.ends_on:%d %b}: you have not logged any time yet.",
                url=reverse("automation:audit:week", args=[seat.audit_id]),
                key=f"time-audit-reminder:{seat.audit_id}:{seat.user_id}",
                email=True,
            )
            sent += 1
    return sent
