"""Rules running on events: once per rule and event, the run log, the loop guard,
retries and permanent failures, and a dry run that writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account
from accounts.services import account_update
from automation.workflows import engine, services
from automation.workflows.models import WorkflowRun
from calls.models import Call
from salesproc import events
from salesproc.models import Event, EventDelivery, Notification
from salesproc.registry import WorkflowAction
from tests.calls.factories import complete, plan
from tests.factories import AccountFactory

FOLLOW_UP = [{"action": "calls.plan_follow_up", "params": {"days": 7}}]
NEXT_STEPS = [{"source": "record", "field": "next_steps", "op": "not_empty", "value": ""}]


@pytest.mark.django_db
def test_a_completed_call_with_a_next_step_gets_its_follow_up(
    rep, make_rule, django_capture_on_commit_callbacks
):
    rule = make_rule("call.completed", FOLLOW_UP, NEXT_STEPS)
    call = plan(rep)
    with django_capture_on_commit_callbacks(execute=True):
        complete(call, next_steps="Send the proposal")
    follow_up = Call.objects.get(follow_up_of=call)
    assert follow_up.owner == rep and follow_up.status == Call.Status.PLANNED
    assert follow_up.purpose == "Send the proposal"
    assert timezone.localdate(follow_up.scheduled_at) == timezone.localdate() + timedelta(days=7)
    run = WorkflowRun.objects.get(rule=rule)
    assert run.status == WorkflowRun.Status.DONE and run.attempts == 1
    assert "Planned the follow-up" in run.results[0]["result"]
    # The event the rule's action caused carries the chain depth.
    planned = Event.objects.get(name="call.planned", object_id=follow_up.pk)
    assert planned.chain_depth == 1


@pytest.mark.django_db
def test_a_call_without_a_next_step_is_skipped_with_the_reason(
    rep, make_rule, django_capture_on_commit_callbacks
):
    rule = make_rule("call.completed", FOLLOW_UP, NEXT_STEPS)
    call = plan(rep)
    with django_capture_on_commit_callbacks(execute=True):
        complete(call, next_steps="")
    assert not Call.objects.filter(follow_up_of=call).exists()
    run = WorkflowRun.objects.get(rule=rule)
    assert run.status == WorkflowRun.Status.SKIPPED
    assert "next_steps is not empty does not hold" in run.reason


@pytest.mark.django_db
def test_a_switched_off_rule_does_not_run(rep, make_rule, django_capture_on_commit_callbacks):
    make_rule("call.completed", FOLLOW_UP, NEXT_STEPS, active=False)
    call = plan(rep)
    with django_capture_on_commit_callbacks(execute=True):
        complete(call, next_steps="Send the proposal")
    assert not Call.objects.filter(follow_up_of=call).exists()
    assert not WorkflowRun.objects.exists()


@pytest.mark.django_db
def test_dispatching_an_event_twice_runs_each_rule_once(rep, make_rule, test_actions):
    calls = []
    test_actions(
        WorkflowAction(
            "tests.count",
            "Count",
            lambda **kw: calls.append(kw["event"].pk) or "counted",
        )
    )
    first = make_rule("account.updated", [{"action": "tests.count"}], name="First")
    second = make_rule("account.updated", [{"action": "tests.count"}], name="Second")
    account = AccountFactory(owner=rep)
    event = account_update(actor=rep, account=account, data={"industry": "Retail"}) and (
        Event.objects.filter(name="account.updated").latest("id")
    )
    events.dispatch_event(event.pk)
    # Again, as a retried task or a second worker would: the outbox has it delivered...
    events.dispatch_event(event.pk)
    # ...and even calling the subscriber itself again finds both runs done.
    engine.handle_event(event)
    assert calls == [event.pk, event.pk]
    assert WorkflowRun.objects.filter(event=event).count() == 2
    for rule in (first, second):
        assert WorkflowRun.objects.get(rule=rule, event=event).status == "done"


@pytest.mark.django_db
def test_the_loop_guard_stops_a_chain_deeper_than_three(rep, make_rule, test_actions):
    def touch(*, actor, event, subject, params, dry_run):
        account_update(actor=actor, account=subject, data={"city": f"City {event.pk}"})
        return "touched"

    test_actions(WorkflowAction("tests.touch", "Touch the account", touch))
    rule = make_rule("account.updated", [{"action": "tests.touch"}])
    account = AccountFactory(owner=rep)
    account_update(actor=rep, account=account, data={"industry": "Retail"})
    # Dispatch the chain by hand, newest first, until nothing is left to dispatch.
    for _round in range(10):
        pending = list(Event.objects.filter(dispatched_at__isnull=True).order_by("id"))
        if not pending:
            break
        for event in pending:
            events.dispatch_event(event.pk)
    runs = list(WorkflowRun.objects.filter(rule=rule).select_related("event").order_by("id"))
    assert [r.event.chain_depth for r in runs] == [0, 1, 2, 3]
    assert [r.status for r in runs] == ["done", "done", "done", "skipped"]
    assert "Loop guard" in runs[-1].reason
    assert Event.objects.filter(name="account.updated").count() == 4  # nothing after depth 3


@pytest.mark.django_db
def test_a_passing_failure_is_retried_through_the_outbox_then_succeeds(
    rep, make_rule, test_actions
):
    tries = []

    def flaky(**kw):
        tries.append(1)
        if len(tries) < 3:
            raise ConnectionError("the other side is down")
        return "worked"

    test_actions(WorkflowAction("tests.flaky", "Flaky", flaky))
    rule = make_rule("account.updated", [{"action": "tests.flaky"}])
    account = AccountFactory(owner=rep)
    account_update(actor=rep, account=account, data={"industry": "Retail"})
    event = Event.objects.filter(name="account.updated").latest("id")
    events.dispatch_event(event.pk)
    run = WorkflowRun.objects.get(rule=rule)
    assert run.status == "retrying" and "ConnectionError" in run.error
    delivery = EventDelivery.objects.get(event=event, subscriber=engine.SUBSCRIBER_KEY)
    assert delivery.status == "pending" and delivery.next_attempt_at > timezone.now()  # backoff
    for _ in range(2):
        EventDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
        events.dispatch_event(event.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.attempts == 3 and run.error == ""
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


@pytest.mark.django_db
def test_a_permanent_failure_fails_the_run_rolls_back_and_tells_the_rule_owner(
    rep, admin, make_rule, test_actions
):
    def refuse(**kw):
        raise ValidationError({"amount": "Nope, not allowed."})

    def create_then(**kw):
        AccountFactory(owner=kw["actor"], name="Made by the rule")
        return "made one"

    test_actions(WorkflowAction("tests.create", "Create", create_then))
    test_actions(WorkflowAction("tests.refuse", "Refuse", refuse))
    rule = make_rule("account.updated", [{"action": "tests.create"}, {"action": "tests.refuse"}])
    account = AccountFactory(owner=rep)
    account_update(actor=rep, account=account, data={"industry": "Retail"})
    event = Event.objects.filter(name="account.updated").latest("id")
    events.dispatch_event(event.pk)
    run = WorkflowRun.objects.get(rule=rule)
    assert run.status == "failed" and "Nope, not allowed." in run.error
    assert "Traceback" in run.traceback
    assert "undone" in run.results[0]["result"]
    assert not Account.objects.filter(name="Made by the rule").exists()  # all or nothing
    note = Notification.objects.get(recipient=admin)
    assert rule.name in note.text and "Nope" in note.text
    # The outbox is done with it: a permanent failure is not retried.
    assert EventDelivery.objects.get(event=event, subscriber=engine.SUBSCRIBER_KEY).status == (
        "delivered"
    )


@pytest.mark.django_db
def test_a_run_that_keeps_failing_gives_up_after_its_attempts(rep, admin, make_rule, test_actions):
    def broken(**kw):
        raise RuntimeError("still broken")

    test_actions(WorkflowAction("tests.broken", "Broken", broken))
    rule = make_rule("account.updated", [{"action": "tests.broken"}])
    account_update(actor=rep, account=AccountFactory(owner=rep), data={"industry": "Retail"})
    event = Event.objects.filter(name="account.updated").latest("id")
    for _ in range(engine.MAX_ATTEMPTS):
        EventDelivery.objects.filter(event=event).update(next_attempt_at=None)
        events.dispatch_event(event.pk)
    run = WorkflowRun.objects.get(rule=rule)
    assert run.status == "failed" and run.attempts == engine.MAX_ATTEMPTS
    assert Notification.objects.filter(recipient=admin, text__contains="still broken").exists()


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(rep, admin, make_rule, django_capture_on_commit_callbacks):
    rule = make_rule("call.completed", FOLLOW_UP, NEXT_STEPS, active=False)
    call = plan(rep)
    complete(call, next_steps="Send the proposal")
    event = Event.objects.get(name="call.completed")
    counts = (
        Call.objects.count(),
        Event.objects.count(),
        WorkflowRun.objects.count(),
        Notification.objects.count(),
    )
    outcome = services.rule_test(actor=admin, rule=rule)
    assert outcome["event"] == event.pk and outcome["matched"]
    assert outcome["actions"][0]["result"].startswith("Would plan the follow-up")
    after = (
        Call.objects.count(),
        Event.objects.count(),
        WorkflowRun.objects.count(),
        Notification.objects.count(),
    )
    assert after == counts


@pytest.mark.django_db
def test_the_test_picks_only_among_the_last_fifty_events_of_its_trigger(rep, admin, make_rule):
    rule = make_rule("call.completed", FOLLOW_UP, NEXT_STEPS, active=False)
    with pytest.raises(ValidationError) as none_yet:
        services.rule_test(actor=admin, rule=rule)
    assert "event" in none_yet.value.message_dict
    other = Event.objects.create(content_type_id=1, object_id=1, name="deal.won")
    with pytest.raises(ValidationError):
        services.rule_test(actor=admin, rule=rule, event_id=other.pk)


@pytest.mark.django_db
def test_an_event_no_active_rule_waits_for_gets_no_delivery_for_automation(rep, make_rule):
    make_rule("call.completed", FOLLOW_UP, NEXT_STEPS)
    make_rule("account.*", [{"action": "salesproc.notify", "params": {}}], active=False)
    account_update(actor=rep, account=AccountFactory(owner=rep), data={"industry": "Retail"})
    event = Event.objects.filter(name="account.updated").latest("id")
    events.dispatch_event(event.pk)
    assert not EventDelivery.objects.filter(event=event, subscriber=engine.SUBSCRIBER_KEY).exists()
    assert not WorkflowRun.objects.filter(event=event).exists()
    assert engine.SUBSCRIBER_KEY in [key for key, _ in events.subscribers_for("call.completed")]
