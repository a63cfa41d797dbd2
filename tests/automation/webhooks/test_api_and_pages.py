"""The webhook API and pages: admins only, bad input, secrets shown once, ping,
redeliver, the delivery log, bounded query counts."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from automation.webhooks import services
from automation.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from tests.conftest import api_for

from .helpers import verify

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_creates_a_webhook_and_sees_its_secret_once(admin, receiver):
    api = api_for(admin)
    response = api.post(
        "/api/v1/webhooks/",
        {"url": receiver.url, "events": ["deal.*", "lead.qualified"], "description": "ERP"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert {"id", "url", "events", "active"} <= set(body)
    assert body["events"] == ["deal.*", "lead.qualified"] and body["active"] is True
    hook = Webhook.objects.get(pk=body["id"])
    assert hook.owner == admin and hook.secret == body["secret"]
    shown = api.get(f"/api/v1/webhooks/{hook.pk}/").json()
    assert "secret" not in shown
    assert "secret" not in api.get("/api/v1/webhooks/").json()["results"][0]
    patched = api.patch(f"/api/v1/webhooks/{hook.pk}/", {"active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert "secret" not in patched.json()


def test_rotate_secret_answers_the_new_one(admin, receiver):
    hook = services.webhook_create(actor=admin, data={"url": receiver.url, "events": ["*"]})
    response = api_for(admin).post(f"/api/v1/webhooks/{hook.pk}/rotate-secret/")
    assert response.status_code == 200
    hook.refresh_from_db()
    assert response.json()["secret"] == hook.secret
    assert hook.previous_secret and hook.previous_secret_expires_at


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"url": "not a url", "events": ["*"]}, "url"),
        ({"url": "https://example.com/h", "events": []}, "events"),
        ({"url": "https://example.com/h", "events": ["Deal Won!"]}, "events"),
        ({"url": "https://example.com/h"}, "events"),
        ({"events": ["*"]}, "url"),
    ],
)
def test_bad_input_is_400_with_field_errors(admin, data, field):
    response = api_for(admin).post("/api/v1/webhooks/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Webhook.objects.exists()


def test_ping_sends_a_signed_test_event(admin, receiver):
    hook = services.webhook_create(actor=admin, data={"url": receiver.url, "events": ["deal.*"]})
    response = api_for(admin).post(f"/api/v1/webhooks/{hook.pk}/ping/")
    assert response.status_code == 202
    (request,) = receiver.requests
    assert verify(hook.secret, request["headers"], request["body"])
    assert receiver.bodies()[0]["name"] == "webhook.ping"
    assert request["headers"]["webhook-id"].startswith("ping_")
    delivery = WebhookDelivery.objects.get(pk=response.json()["id"])
    assert delivery.status == "delivered" and delivery.event is None


def test_deliveries_list_filter_and_redeliver_with_the_same_id(admin, rep, receiver):
    hook = services.webhook_create(actor=admin, data={"url": receiver.url, "events": ["account.*"]})
    other = services.webhook_create(actor=admin, data={"url": receiver.url, "events": ["x.y"]})
    account_services.account_create(actor=rep, data={"name": "Redeliver me"})
    api = api_for(admin)
    listed = api.get(f"/api/v1/webhook-deliveries/?webhook={hook.pk}").json()["results"]
    assert len(listed) == 1
    item = listed[0]
    assert {"id", "webhook", "event", "attempt", "status", "response_code"} <= set(item)
    assert item["status"] == "delivered" and item["attempt"] == 1 and item["response_code"] == 200
    assert item["attempts"][0]["status_code"] == 200
    assert api.get(f"/api/v1/webhook-deliveries/?webhook={other.pk}").json()["count"] == 0

    response = api.post(f"/api/v1/webhook-deliveries/{item['id']}/redeliver/")
    assert response.status_code == 202
    assert response.json()["attempt"] == 2 and response.json()["status"] == "delivered"
    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert len(ids) == 2 and ids[0] == ids[1]


@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_only_admins_reach_webhooks(request, admin, persona, receiver):
    user = request.getfixturevalue(persona)
    hook = services.webhook_create(actor=admin, data={"url": receiver.url, "events": ["*"]})
    delivery = services.webhook_ping(actor=admin, webhook=hook)
    api = api_for(user)
    assert api.get("/api/v1/webhooks/").status_code == 403
    assert (
        api.post("/api/v1/webhooks/", {"url": receiver.url, "events": ["*"]}, format="json")
    ).status_code == 403
    assert api.get("/api/v1/webhook-deliveries/").status_code == 403
    assert api.get(f"/api/v1/webhooks/{hook.pk}/").status_code == 404
    assert (
        api.patch(f"/api/v1/webhooks/{hook.pk}/", {"active": False}, format="json").status_code
        == 404
    )
    assert api.delete(f"/api/v1/webhooks/{hook.pk}/").status_code == 404
    assert api.post(f"/api/v1/webhooks/{hook.pk}/rotate-secret/").status_code == 404
    assert api.post(f"/api/v1/webhooks/{hook.pk}/ping/").status_code == 404
    assert api.get(f"/api/v1/webhook-deliveries/{delivery.pk}/").status_code == 404
    assert api.post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/").status_code == 404
    hook.refresh_from_db()
    assert hook.active and Webhook.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1
    # pages too
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(reverse("automation:webhooks:list")).status_code == 404
    assert client.get(reverse("automation:webhooks:detail", args=[hook.pk])).status_code == 404
    assert client.post(reverse("automation:webhooks:rotate", args=[hook.pk])).status_code == 404
    old = hook.secret
    hook.refresh_from_db()
    assert hook.secret == old


def test_the_pages_add_show_the_secret_once_edit_ping_rotate_and_delete(client, admin, receiver):
    client.force_login(admin)
    page = client.get(reverse("automation:webhooks:list"))
    assert page.status_code == 200
    bad = client.post(reverse("automation:webhooks:list"), {"url": "ftp://x", "events": "*"})
    assert bad.status_code == 200 and b"https://" in bad.content and not Webhook.objects.exists()
    response = client.post(
        reverse("automation:webhooks:list"),
        {"url": receiver.url, "events": "account.*, deal.won", "active": "on"},
    )
    hook = Webhook.objects.get()
    assert response.status_code == 302
    assert hook.events == ["account.*", "deal.won"]
    first = client.get(response["Location"]).content.decode()
    assert hook.secret in first
    assert hook.secret not in client.get(response["Location"]).content.decode()

    edit = client.post(
        reverse("automation:webhooks:detail", args=[hook.pk]),
        {"url": receiver.url, "events": "deal.*", "description": "Billing"},
    )
    assert edit.status_code == 302
    hook.refresh_from_db()
    assert hook.events == ["deal.*"] and hook.description == "Billing" and not hook.active

    client.post(reverse("automation:webhooks:ping", args=[hook.pk]))
    assert receiver.bodies()[0]["name"] == "webhook.ping"
    page = client.get(reverse("automation:webhooks:detail", args=[hook.pk])).content.decode()
    assert "webhook.ping" in page and "HTTP 200" in page

    old = hook.secret
    client.post(reverse("automation:webhooks:rotate", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.secret != old
    assert (
        hook.secret
        in client.get(reverse("automation:webhooks:detail", args=[hook.pk])).content.decode()
    )

    delivery = WebhookDelivery.objects.get()
    client.post(reverse("automation:webhooks:redeliver", args=[delivery.pk]))
    assert len(receiver.requests) == 2  # a test ping goes out even while switched off

    client.post(reverse("automation:webhooks:delete", args=[hook.pk]))
    assert not Webhook.objects.exists()


def _many_deliveries(admin, count):
    hooks = [
        Webhook.objects.create(
            owner=admin, url=f"https://h{i}.example.com/", events=["*"], secret="whsec_x"
        )
        for i in range(3)
    ]
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                webhook=hooks[i % 3],
                message_id=f"ping_{i}",
                event_name="webhook.ping",
                status="delivered",
                attempt=1,
            )
            for i in range(count)
        ]
    )
    from django.utils import timezone

    WebhookAttempt.objects.bulk_create(
        [
            WebhookAttempt(delivery=row, number=1, started_at=timezone.now(), status_code=200)
            for row in rows
        ]
    )
    return hooks[0]


@pytest.mark.parametrize("count", [10, 1000])
def test_the_pages_run_a_bounded_number_of_queries(
    client, admin, count, django_assert_max_num_queries
):
    hook = _many_deliveries(admin, count)
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("automation:webhooks:list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("automation:webhooks:detail", args=[hook.pk])).status_code == 200
    api = api_for(admin)
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/webhook-deliveries/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/webhooks/").status_code == 200


def test_the_demo_seeder_adds_one_switched_off_example_once(admin):
    from automation.webhooks.demo import DEMO_URL, seed_demo

    seed_demo()
    seed_demo()
    (hook,) = Webhook.objects.filter(url=DEMO_URL)
    assert not hook.active and hook.owner == admin
