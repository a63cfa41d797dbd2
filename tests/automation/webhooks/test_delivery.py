"""Deliveries from the outbox to a real receiver: retries, signatures, rotation,
retry classes, disabling, payload visibility."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services as account_services
from automation.webhooks import delivery as webhook_delivery
from automation.webhooks import services
from automation.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from salesproc.models import Event, Notification
from tests.conftest import api_for

from .helpers import make_due, sweep, verify

pytestmark = pytest.mark.django_db(transaction=True)


def _hook(admin, receiver, events=("account.*",)):
    return services.webhook_create(actor=admin, data={"url": receiver.url, "events": list(events)})


def test_a_delivery_failing_three_times_arrives_on_the_fourth_with_the_same_id(
    admin, rep, receiver
):
    hook = _hook(admin, receiver)
    receiver.fail_times = 3
    account = account_services.account_create(actor=rep, data={"name": "Acme"})
    event = Event.objects.get(name="account.created", object_id=account.pk)
    for _ in range(3):
        sweep()

    assert len(receiver.requests) == 4
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert ids == {f"evt_{event.pk}"}
    delivery = WebhookDelivery.objects.get(webhook=hook, event=event)
    assert delivery.status == "delivered" and delivery.attempt == 4
    assert delivery.response_code == 200
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code) for a in log] == [(1, 500), (2, 500), (3, 500), (4, 200)]
    assert len(log[-1].response_body) == 1024  # the first 1 KB of the answer
    # the events outbox shows the subscriber delivered (it wrote the rows)
    assert event.deliveries.get(subscriber=webhook_delivery.SUBSCRIBER_KEY).status == "delivered"
    # the body is the same on every attempt
    assert len({r["body"] for r in receiver.requests}) == 1


def test_every_delivery_is_signed_per_the_standard_webhooks_spec(admin, rep, receiver):
    hook = _hook(admin, receiver)
    account_services.account_create(actor=rep, data={"name": "Signed Ltd"})
    (request,) = receiver.requests
    headers, body = request["headers"], request["body"]
    assert verify(hook.secret, headers, body)
    assert not verify(hook.secret, headers, body + b" ")
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 30
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    assert payload["id"] == headers["webhook-id"]
    assert payload["name"] == "account.created"
    assert payload["actor"]["id"] == rep.pk
    assert payload["record_type"] == "account"
    assert payload["record"]["name"] == "Signed Ltd"


def test_rotation_signs_with_both_secrets_for_24_hours(admin, rep, receiver):
    hook = _hook(admin, receiver)
    old = hook.secret
    hook = services.webhook_rotate_secret(actor=admin, webhook=hook)
    assert hook.secret != old and hook.secret.startswith("whsec_")
    account_services.account_create(actor=rep, data={"name": "Rotated"})
    headers, body = receiver.requests[0]["headers"], receiver.requests[0]["body"]
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert verify(old, headers, body) and verify(hook.secret, headers, body)

    Webhook.objects.filter(pk=hook.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    account_services.account_create(actor=rep, data={"name": "After the overlap"})
    headers, body = receiver.requests[1]["headers"], receiver.requests[1]["body"]
    assert len(headers["webhook-signature"].split(" ")) == 1
    assert verify(hook.secret, headers, body) and not verify(old, headers, body)


@pytest.mark.parametrize(
    ("code", "retried"),
    [(400, False), (401, False), (404, False), (410, False), (422, False)]
    + [(408, True), (409, True), (429, True), (500, True), (503, True)],
)
def test_which_answers_are_retried(admin, rep, receiver, code, retried):
    hook = _hook(admin, receiver)
    receiver.fail_times, receiver.fail_status = 1, code
    account_services.account_create(actor=rep, data={"name": "Retry class"})
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.response_code == code
    assert delivery.status == ("pending" if retried else "failed")
    sweep()
    assert len(receiver.requests) == (2 if retried else 1)


def test_retry_after_is_honoured(admin, rep, receiver):
    hook = _hook(admin, receiver)
    receiver.fail_times, receiver.fail_status = 1, 429
    receiver.fail_headers = {"Retry-After": "600"}
    account_services.account_create(actor=rep, data={"name": "Slow down"})
    delivery = WebhookDelivery.objects.get(webhook=hook)
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 590 < wait <= 600


def test_the_first_retry_waits_about_a_minute(admin, rep, receiver):
    hook = _hook(admin, receiver)
    receiver.fail_times = 1
    account_services.account_create(actor=rep, data={"name": "Backoff"})
    delivery = WebhookDelivery.objects.get(webhook=hook)
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 50 < wait <= 66
    # not due yet: a sweep sends nothing
    from automation.webhooks.tasks import sweep_webhook_deliveries_task

    sweep_webhook_deliveries_task()
    assert len(receiver.requests) == 1


def test_the_schedule_spans_three_days_with_jitter():
    mid = [webhook_delivery.retry_delay(n, rand=lambda: 0.5) for n in range(1, 10)]
    assert mid[:6] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=8),
        timedelta(days=1),
    ]
    assert webhook_delivery.retry_delay(1, rand=lambda: 0.0) == timedelta(seconds=54)
    assert webhook_delivery.retry_delay(1, rand=lambda: 1.0) == timedelta(seconds=66)


def test_three_days_of_failures_give_up_and_switch_the_subscription_off(admin, rep, receiver):
    hook = _hook(admin, receiver)
    receiver.fail_times = 100
    account_services.account_create(actor=rep, data={"name": "Down for days"})
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == "pending"
    hook.refresh_from_db()
    assert hook.failing_since is not None and hook.active
    # three days later, the last try (at the deadline) fails too
    past = timezone.now() - timedelta(days=3, seconds=5)
    Webhook.objects.filter(pk=hook.pk).update(failing_since=past)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(retry_until=timezone.now())
    mail.outbox.clear()
    sweep()

    delivery.refresh_from_db()
    hook.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempt == 2
    assert not hook.active and "3 days" in hook.disabled_reason
    note = Notification.objects.get(recipient=admin)
    assert "switched off" in note.text
    assert [m.to for m in mail.outbox] == [[admin.email]]
    # switched off: new events make no deliveries
    account_services.account_create(actor=rep, data={"name": "Nobody listens"})
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 1


def test_a_success_resets_the_failure_clock(admin, rep, receiver):
    hook = _hook(admin, receiver)
    receiver.fail_times = 1
    account_services.account_create(actor=rep, data={"name": "Flaky"})
    hook.refresh_from_db()
    assert hook.failing_since is not None
    sweep()
    hook.refresh_from_db()
    assert hook.failing_since is None and hook.active


def test_only_matching_active_subscriptions_get_a_delivery(admin, rep, receiver):
    accounts_hook = _hook(admin, receiver, events=["account.created"])
    _hook(admin, receiver, events=["deal.*"])
    off = _hook(admin, receiver, events=["*"])
    services.webhook_update(actor=admin, webhook=off, data={"active": False})
    account_services.account_create(actor=rep, data={"name": "Matched"})
    assert list(WebhookDelivery.objects.values_list("webhook_id", flat=True)) == [accounts_hook.pk]


@pytest.mark.django_db(transaction=False)
def test_the_rows_are_the_outbox_a_sweep_sends_what_was_never_queued(admin, rep, receiver):
    """Redis or the worker down after the dispatch: the delivery row waits and the sweep
    sends it. (Inside the test's transaction nothing queued on commit ever runs.)"""
    from salesproc.events import dispatch_event

    hook = _hook(admin, receiver)
    account = account_services.account_create(actor=rep, data={"name": "Queued later"})
    event = Event.objects.get(name="account.created", object_id=account.pk)
    dispatch_event(event.pk)
    delivery = WebhookDelivery.objects.get(webhook=hook, event=event)
    assert delivery.status == "pending" and delivery.attempt == 0
    assert receiver.requests == []
    from automation.webhooks.tasks import sweep_webhook_deliveries_task

    assert sweep_webhook_deliveries_task() == 0  # just written: the normal send has time
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - webhook_delivery.NEVER_SENT_AFTER - timedelta(seconds=1)
    )
    assert sweep_webhook_deliveries_task() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.requests) == 1


def test_a_dead_workers_claim_is_taken_over(admin, rep, receiver):
    hook = _hook(admin, receiver)
    receiver.fail_times = 1
    account_services.account_create(actor=rep, data={"name": "Crashed mid-send"})
    delivery = WebhookDelivery.objects.get(webhook=hook)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(minutes=5)
    )
    from automation.webhooks.tasks import sweep_webhook_deliveries_task

    sweep_webhook_deliveries_task()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == {delivery.message_id}


def test_a_delivery_is_sent_once_when_queued_twice(admin, rep, receiver):
    hook = _hook(admin, receiver)
    account_services.account_create(actor=rep, data={"name": "Twice"})
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert webhook_delivery.send(delivery.pk) is None
    make_due()
    assert webhook_delivery.send(delivery.pk) is None  # delivered: nothing to send
    assert len(receiver.requests) == 1


# -- what the payload may show -------------------------------------------------------


def test_the_record_is_the_apis_representation(admin, rep, receiver):
    _hook(admin, receiver)
    account = account_services.account_create(actor=rep, data={"name": "Same Shape"})
    api = api_for(admin).get(f"/api/v1/accounts/{account.pk}/").json()
    record = receiver.bodies()[0]["record"]
    assert record == api


def test_deal_lead_and_call_records_come_from_their_api_serializers(admin, rep):
    from tests.factories import DealFactory, LeadFactory

    for factory, path in ((DealFactory, "deals"), (LeadFactory, "leads")):
        obj = factory(owner=rep)
        from salesproc.registry import record_type_of

        shown = record_type_of(obj).represent(obj, user=admin)
        assert shown == api_for(admin).get(f"/api/v1/{path}/{obj.pk}/").json()
        assert record_type_of(obj).represent(obj, user=_stranger()) is None


def test_contact_and_call_records_come_from_their_api_serializers(admin, rep):
    from salesproc.registry import record_type_of
    from tests.calls.test_api import _plan_body
    from tests.factories import ContactFactory

    contact = ContactFactory(owner=rep)
    call_id = api_for(rep).post("/api/v1/calls/", _plan_body(contact), format="json").json()["id"]
    from calls.models import Call

    for obj, path in ((contact, "contacts"), (Call.objects.get(pk=call_id), "calls")):
        shown = record_type_of(obj).represent(obj, user=admin)
        assert shown == api_for(admin).get(f"/api/v1/{path}/{obj.pk}/").json()
        assert record_type_of(obj).represent(obj, user=_stranger()) is None


def _stranger():
    from salesproc.demo import ensure_default_roles
    from tests.factories import TeamFactory, UserFactory

    return UserFactory(role=ensure_default_roles()["inside-rep"], team=TeamFactory(name="Far"))


def test_another_teams_records_never_reach_a_payload(admin, rep, other_rep, roles, receiver):
    """The owner lost admin (now a rep of North): South's records are not theirs to see."""
    hook = _hook(admin, receiver)
    admin.role = roles["inside-rep"]
    admin.team = rep.team
    admin.save()
    account_services.account_create(actor=other_rep, data={"name": "South Secret"})
    account_services.account_create(actor=admin, data={"name": "Own Account"})

    delivered = receiver.bodies()
    assert [b["record"]["name"] for b in delivered] == ["Own Account"]
    assert b"South Secret" not in b"".join(r["body"] for r in receiver.requests)
    skipped = WebhookDelivery.objects.get(webhook=hook, status="skipped")
    assert "may not see" in skipped.last_error
    assert skipped.payload == ""


def test_a_deactivated_owner_sends_nothing(admin, rep, receiver):
    hook = _hook(admin, receiver)
    admin.is_active = False
    admin.save()
    account_services.account_create(actor=rep, data={"name": "Nobody"})
    assert receiver.requests == []
    assert WebhookDelivery.objects.get(webhook=hook).status == "skipped"


# -- the workflow action ------------------------------------------------------------


def test_the_call_a_webhook_action_queues_the_event_once(admin, rep, receiver):
    from salesproc.registry import workflow_action

    hook = _hook(admin, receiver, events=["deal.*"])  # the action does not need a match
    account = account_services.account_create(actor=rep, data={"name": "By a rule"})
    event = Event.objects.get(name="account.created", object_id=account.pk)
    action = workflow_action("automation.call_webhook")
    dry = action.run(
        actor=admin, event=event, subject=account, params={"webhook": hook.pk}, dry_run=True
    )
    assert "Would send" in dry and receiver.requests == []
    text = action.run(
        actor=admin, event=event, subject=account, params={"webhook": hook.pk}, dry_run=False
    )
    assert "Queued" in text
    again = action.run(
        actor=admin, event=event, subject=account, params={"webhook": hook.pk}, dry_run=False
    )
    assert "already" in again
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [f"evt_{event.pk}"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        action.run(actor=admin, event=event, subject=account, params={"webhook": 0}, dry_run=False)


def test_the_readme_example_verifies_a_real_delivery(admin, rep, receiver):
    import re
    from pathlib import Path

    from django.conf import settings

    readme = Path(settings.BASE_DIR, "README.md").read_text()
    section = readme[readme.index("## Webhooks") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace = {}
    exec(code, namespace)  # noqa: S102  (our own README)
    hook = _hook(admin, receiver)
    account_services.account_create(actor=rep, data={"name": "Documented"})
    (request,) = receiver.requests
    assert namespace["verify"](hook.secret, request["headers"], request["body"])
    assert not namespace["verify"](hook.secret, request["headers"], request["body"][:-1])
