"""Subscriptions to registered reports: create, change, delete, unsubscribe, and running
a report for a person (the same rows the export and the email use)."""

from datetime import time

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from salesproc.events import record_event
from salesproc.models import Team, User, users_visible_to
from salesproc.registry import clean_report_params, report, reports_for
from salesproc.services import user_set_time_zone

from . import schedule
from .models import ReportSubscription

UNSUBSCRIBE_SALT = "automation.reports.unsubscribe"


def report_for_user(*, user: User, key: str):
    """The registered report if this person may see it; None otherwise."""
    found = report(key)
    if found is None or found not in reports_for(user):
        return None
    return found


def check_params(*, user: User, item, params) -> dict:
    """The report's params, typed, with people and teams checked against what `user` may
    see. Bad input: ValidationError({"params": ["Rep: ..."]})."""
    try:
        cleaned = clean_report_params(item, params or {})
    except ValidationError as error:
        labels = {p.name: p.label for p in item.params}
        raise ValidationError(
            {
                "params": [
                    f"{labels.get(name, name)}: {message}"
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
            }
        ) from None
    for param in item.params:
        value = cleaned.get(param.name)
        if value is None:
            continue
        if param.kind == "user" and not users_visible_to(user).filter(pk=value).exists():
            raise ValidationError({"params": [f"{param.label}: no such person you can see."]})
        if param.kind == "team" and not (
            user.is_crm_admin
            or (value in user.managed_team_ids and Team.objects.filter(pk=value).exists())
        ):
            raise ValidationError({"params": [f"{param.label}: choose one of your teams."]})
    return cleaned


def scoped_params(*, item, user: User, params: dict, scope: str) -> dict:
    """The params a send runs with: "just me" narrows the report to its reader."""
    params = dict(params)
    if scope == ReportSubscription.Scope.MINE and item.owner_param:
        params[item.owner_param] = user.pk
    return params


def run_report(*, item, user: User, params: dict):
    """(columns, rows) of a registered report for `user`; params already checked."""
    columns, rows = item.rows(user=user, params=params)
    return list(columns), rows


def _check_scope(*, actor: User, item, scope: str):
    if scope not in ReportSubscription.Scope.values:
        raise ValidationError({"scope": "Choose “Just me” or “My team”."})
    sees_others = actor.is_manager or actor.is_crm_admin
    if scope == ReportSubscription.Scope.TEAM and not sees_others:
        raise ValidationError({"scope": "Only managers and admins subscribe for a team."})
    if scope == ReportSubscription.Scope.MINE and sees_others and not item.owner_param:
        raise ValidationError(
            {"scope": "This report covers the people you manage: choose “My team”."}
        )


def _schedule(*, actor, frequency, send_time, weekday, day_of_month, starts_on, now):
    if not isinstance(send_time, time):
        raise ValidationError({"send_time": "Give a time of day, such as 07:30."})
    weekday, day_of_month = schedule.check_schedule(
        frequency=frequency, weekday=weekday, day_of_month=day_of_month
    )
    today = now.astimezone(actor.zone).date()
    starts_on = starts_on or today
    if starts_on < today:
        raise ValidationError(
            {"starts_on": f"The first send cannot be in the past (today is {today:%d %b %Y})."}
        )
    send_at = schedule.next_send_at(
        frequency=frequency,
        send_time=send_time,
        weekday=weekday,
        day_of_month=day_of_month,
        zone=actor.zone,
        after=now,
        not_before=starts_on,
    )
    return {
        "frequency": frequency,
        "send_time": send_time,
        "weekday": weekday,
        "day_of_month": day_of_month,
        "starts_on": starts_on,
        "next_send_at": send_at,
    }


@transaction.atomic
def subscription_create(
    *,
    actor: User,
    report_key: str,
    params: dict | None = None,
    scope: str = ReportSubscription.Scope.MINE,
    frequency: str,
    send_time: time,
    weekday: int | None = None,
    day_of_month: int | None = None,
    starts_on=None,
    now=None,
) -> ReportSubscription:
    item = report_for_user(user=actor, key=report_key)
    if item is None:
        raise ValidationError({"report": "No such report among the ones you can see."})
    _check_scope(actor=actor, item=item, scope=scope)
    cleaned = check_params(user=actor, item=item, params=params)
    fields = _schedule(
        actor=actor,
        frequency=frequency,
        send_time=send_time,
        weekday=weekday,
        day_of_month=day_of_month,
        starts_on=starts_on,
        now=now or timezone.now(),
    )
    subscription = ReportSubscription.objects.create(
        owner=actor, report_key=item.key, params=cleaned, scope=scope, **fields
    )
    record_event(
        subject=subscription,
        name="report_subscription.created",
        actor=actor,
        summary=f"Subscribed to {item.title} ({subscription.get_frequency_display().lower()})",
        data={"report": item.key, "frequency": frequency, "scope": scope},
    )
    return subscription


@transaction.atomic
def subscription_update(
    *,
    actor: User,
    subscription: ReportSubscription,
    params: dict | None = None,
    scope: str,
    frequency: str,
    send_time: time,
    weekday: int | None = None,
    day_of_month: int | None = None,
    starts_on=None,
    is_active: bool = True,
    now=None,
) -> ReportSubscription:
    """Change a subscription (its report stays; subscribe again for another). The
    subscription's owner decides what it shows: params are checked against them."""
    owner = subscription.owner
    item = report_for_user(user=owner, key=subscription.report_key)
    if item is None:
        raise ValidationError({"report": "This report is no longer available to its owner."})
    _check_scope(actor=owner, item=item, scope=scope)
    cleaned = check_params(user=owner, item=item, params=params)
    now = now or timezone.now()
    if starts_on is not None and starts_on == subscription.starts_on:
        starts_on = max(starts_on, now.astimezone(owner.zone).date())
    fields = _schedule(
        actor=owner,
        frequency=frequency,
        send_time=send_time,
        weekday=weekday,
        day_of_month=day_of_month,
        starts_on=starts_on,
        now=now,
    )
    for name, value in {
        **fields,
        "params": cleaned,
        "scope": scope,
        "is_active": is_active,
    }.items():
        setattr(subscription, name, value)
    subscription.save()
    record_event(
        subject=subscription,
        name="report_subscription.updated",
        actor=actor,
        summary=f"Changed the subscription to {item.title}",
        data={"report": item.key, "frequency": frequency, "active": is_active},
    )
    return subscription


@transaction.atomic
def subscription_delete(*, actor: User, subscription: ReportSubscription) -> None:
    record_event(
        subject=subscription,
        name="report_subscription.deleted",
        actor=actor,
        summary=f"Deleted the subscription to {subscription.report_key}",
        data={"report": subscription.report_key},
    )
    subscription.delete()


def unsubscribe_token(subscription: ReportSubscription) -> str:
    return signing.dumps({"s": subscription.pk, "o": subscription.owner_id}, salt=UNSUBSCRIBE_SALT)


def subscription_from_token(token: str) -> ReportSubscription | None:
    """The one subscription a signed unsubscribe link names (no login); None if the
    link was tampered with or the subscription is gone."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    return ReportSubscription.objects.filter(pk=value.get("s"), owner_id=value.get("o")).first()


@transaction.atomic
def subscription_unsubscribe(*, subscription: ReportSubscription) -> bool:
    """Stop the sends of one subscription (from its email link). True if it changed."""
    changed = ReportSubscription.objects.filter(pk=subscription.pk, is_active=True).update(
        is_active=False, updated_at=timezone.now()
    )
    if changed:
        record_event(
            subject=subscription,
            name="report_subscription.unsubscribed",
            summary=f"Unsubscribed from {subscription.report_key} by the email's link",
            data={"report": subscription.report_key},
        )
    return bool(changed)


@transaction.atomic
def owner_time_zone_set(*, actor: User, time_zone: str, now=None) -> User:
    """Save a person's time zone and move their subscriptions' next sends to the same
    local time in it (a 07:30 send stays at 07:30 where they are now)."""
    user_set_time_zone(actor=actor, time_zone=time_zone)
    now = now or timezone.now()
    for subscription in ReportSubscription.objects.filter(owner=actor, is_active=True):
        subscription.next_send_at = schedule.next_send_at(
            frequency=subscription.frequency,
            send_time=subscription.send_time,
            weekday=subscription.weekday,
            day_of_month=subscription.day_of_month,
            zone=actor.zone,
            after=now,
            not_before=subscription.starts_on,
        )
        subscription.save(update_fields=["next_send_at"])
    return actor
