"""Running workflow rules on events: the Celery event subscriber, the run log, dry runs.

The subscriber (`handle_event`, atomic=False) writes one WorkflowRun per (rule, event)
with a conditional insert, claims it (pending -> running) and then runs the rule's
actions and marks the run done in one transaction, so a second dispatch of the event
finds nothing to claim and a crash half-way leaves nothing written. A ValidationError is
a permanent failure (the run fails, the rule's owner is told); anything else is retried:
the subscriber raises, and the event outbox tries it again with its backoff, claiming
only the runs that are still to do.
"""

import fnmatch
import logging
import traceback
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from salesproc.events import caused_by_rule
from salesproc.registry import workflow_action
from salesproc.services import notify

from .conditions import evaluate
from .models import WorkflowRule, WorkflowRun

log = logging.getLogger(__name__)

MAX_CHAIN_DEPTH = 3  # an event caused by 3 rule runs in a row triggers no more rules
MAX_ATTEMPTS = 5  # tries of one run before it fails for good
CLAIM_TIMEOUT = timedelta(minutes=10)  # a run claimed this long ago belongs to a dead worker
SUBSCRIBER_KEY = "automation.workflows"


class RunsToRetry(Exception):
    """Some runs failed for a passing reason: the outbox retries the subscriber later."""


def subject_of(event):
    model = event.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=event.object_id).first()


def acting_user(subject):
    """Who the rule acts as: the record's owner (its team's rules, its visibility); for
    a record without an owner (a quote), the owner of the deal it belongs to."""
    owner = getattr(subject, "owner", None)
    if owner is None and getattr(subject, "deal", None) is not None:
        owner = getattr(subject.deal, "owner", None)
    if owner is None or not owner.is_active:
        return None
    return owner


def decide(rule, event, subject):
    """(matched, reason) without acting."""
    if not fnmatch.fnmatchcase(event.name, rule.trigger):
        return False, f"The event {event.name} is not what the trigger {rule.trigger} covers."
    if event.chain_depth >= MAX_CHAIN_DEPTH:
        return False, (
            f"Loop guard: this event was caused by a chain of {event.chain_depth} rule runs; "
            f"chains stop at {MAX_CHAIN_DEPTH}."
        )
    if subject is None:
        return False, "The event's record no longer exists."
    matched, reason = evaluate(rule.conditions, rule.match, event=event, subject=subject)
    if not matched:
        return False, f"Conditions not met: {reason}"
    if acting_user(subject) is None:
        return False, "The record has no active owner to act for."
    return True, reason


def run_actions(rule, event, subject, *, dry_run, results):
    """Run (or, dry, describe) each action in order; results collects what each did."""
    actor = acting_user(subject)
    for position, item in enumerate(rule.actions, start=1):
        action = workflow_action(item.get("action", ""))
        if action is None:
            raise ValidationError(
                {"actions": f"Action {position}: {item.get('action')!r} is not available."}
            )
        with caused_by_rule(event.chain_depth + 1):
            try:
                text = action.run(
                    actor=actor,
                    event=event,
                    subject=subject,
                    params=dict(item.get("params") or {}),
                    dry_run=dry_run,
                )
            except (PermissionDenied, Http404) as exc:
                # A refused change or a record out of reach is permanent, not retried.
                raise ValidationError(
                    f"{action.label}: not allowed for {actor}" + (f" ({exc})" if str(exc) else "")
                ) from exc
        results.append({"action": action.key, "label": action.label, "result": str(text)})
    return results


def _claim(run_id):
    now = timezone.now()
    todo = Q(status__in=[WorkflowRun.Status.PENDING, WorkflowRun.Status.RETRYING]) | Q(
        status=WorkflowRun.Status.RUNNING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    return (
        WorkflowRun.objects.filter(pk=run_id)
        .filter(todo)
        .update(status=WorkflowRun.Status.RUNNING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _finish(run_id, status, **fields):
    WorkflowRun.objects.filter(pk=run_id, status=WorkflowRun.Status.RUNNING).update(
        status=status, finished_at=timezone.now(), **fields
    )


def _message(exc):
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)[:2000]
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def _tell_owner(rule, run, error):
    if rule.owner is None or not rule.owner.is_active:
        return
    notify(
        recipient=rule.owner,
        text=f"The workflow rule “{rule.name}” failed on event #{run.event_id}: {error}"[:300],
        url=rule.get_absolute_url() + "runs/",
        key=f"workflow-run-failed-{run.pk}",
        email=True,
    )


def execute(rule, event, run_id):
    """Run one claimed run: its status after (done, skipped, retrying or failed)."""
    run = WorkflowRun.objects.get(pk=run_id)
    subject = subject_of(event)
    results = []
    try:
        with transaction.atomic():
            matched, reason = decide(rule, event, subject)
            if not matched:
                _finish(run_id, WorkflowRun.Status.SKIPPED, reason=reason[:300])
                return WorkflowRun.Status.SKIPPED
            run_actions(rule, event, subject, dry_run=False, results=results)
            _finish(
                run_id,
                WorkflowRun.Status.DONE,
                reason=reason[:300],
                results=results,
                error="",
                traceback="",
            )
            return WorkflowRun.Status.DONE
    except Exception as exc:
        error = _message(exc)
        trace = traceback.format_exc()[-8000:]
        done = [{**r, "result": r["result"] + " (undone: a later action failed)"} for r in results]
        permanent = isinstance(exc, ValidationError) or run.attempts >= MAX_ATTEMPTS
        status = WorkflowRun.Status.FAILED if permanent else WorkflowRun.Status.RETRYING
        fields = {"error": error, "traceback": trace, "results": done}
        if permanent:
            _finish(run_id, status, **fields)
            _tell_owner(rule, run, error)
        else:
            WorkflowRun.objects.filter(pk=run_id, status=WorkflowRun.Status.RUNNING).update(
                status=status, **fields
            )
        log.warning("workflow rule %s on event %s: %s (%s)", rule.pk, event.pk, error, status)
        return status


def wants(name):
    """Does an active rule's trigger cover this event name? (One small query, so that
    events no rule waits for get no delivery row for automation.)"""
    triggers = WorkflowRule.objects.filter(active=True).values_list("trigger", flat=True)
    return any(fnmatch.fnmatchcase(name, trigger) for trigger in set(triggers))


def handle_event(event):
    """The event subscriber: each active rule whose trigger covers the event, once."""
    rules = [
        rule
        for rule in WorkflowRule.objects.filter(active=True).select_related("owner")
        if fnmatch.fnmatchcase(event.name, rule.trigger)
    ]
    if not rules:
        return
    WorkflowRun.objects.bulk_create(
        [WorkflowRun(rule=rule, event=event, rule_version=rule.version) for rule in rules],
        ignore_conflicts=True,
    )
    run_ids = dict(
        WorkflowRun.objects.filter(event=event, rule__in=rules).values_list("rule_id", "id")
    )
    retry = []
    for rule in rules:
        run_id = run_ids.get(rule.pk)
        if run_id is None or not _claim(run_id):
            continue  # done, given up, or running elsewhere
        if execute(rule, event, run_id) == WorkflowRun.Status.RETRYING:
            retry.append(rule.pk)
    if retry:
        raise RunsToRetry(f"rules {retry} will be retried on event {event.pk}")


def dry_run(rule, event):
    """What the rule would do on this event, writing nothing: matched, reason, actions."""
    subject = subject_of(event)
    matched, reason = decide(rule, event, subject)
    outcome = {"event": event.pk, "matched": matched, "reason": reason, "actions": []}
    if not matched:
        return outcome
    try:
        run_actions(rule, event, subject, dry_run=True, results=outcome["actions"])
    except ValidationError as exc:
        outcome["error"] = _message(exc)
    return outcome
