"""The SSRF guard: on save and again at delivery time, with WEBHOOKS_ALLOW_PRIVATE off."""

import pytest

from accounts import services as account_services
from automation.webhooks import services, transport
from automation.webhooks.models import WebhookDelivery
from tests.conftest import api_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def guarded(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",  # a name that resolves to 127.0.0.1
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
        "https://[::1]/hook",
        "https://0.0.0.0/hook",
        "http://93.184.215.14/hook",  # not https
        "ftp://example.com/hook",
        "https://user:pw@example.com/hook",
    ],
)
def test_a_url_to_a_private_address_or_without_https_is_refused_on_save(admin, guarded, url):
    response = api_for(admin).post(
        "/api/v1/webhooks/", {"url": url, "events": ["deal.won"]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "url" in response.json()


def test_the_guard_is_checked_again_at_delivery_time(admin, rep, receiver, settings):
    """Saved while allowed (or a DNS answer that changed since): refused when sending."""
    hook = services.webhook_create(
        actor=admin, data={"url": receiver.url_with_host("localhost"), "events": ["account.*"]}
    )
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    account_services.account_create(actor=rep, data={"name": "Inside job"})
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert receiver.requests == []
    assert delivery.status == "failed"
    assert "BlockedAddress" in delivery.last_error
    assert delivery.attempts.get().error.startswith("BlockedAddress")


def test_resolution_refuses_loopback_names_and_allows_public_addresses(guarded):
    with pytest.raises(transport.BlockedAddress, match="127.0.0.1|::1"):
        transport.resolve_checked("localhost", 443)
    with pytest.raises(transport.BlockedAddress):
        transport.resolve_checked("169.254.169.254", 443)
    assert transport.resolve_checked("93.184.215.14", 443) == "93.184.215.14"
    assert transport.is_public("8.8.8.8")
    assert not transport.is_public("::ffff:127.0.0.1")  # mapped loopback
    assert not transport.is_public("fe80::1")
    assert not transport.is_public("100.64.0.1")  # shared (carrier-grade NAT) space
    assert not transport.is_public("224.0.0.1")


def test_with_private_allowed_the_receiver_on_127_0_0_1_is_called(admin, rep, receiver):
    hook = services.webhook_create(actor=admin, data={"url": receiver.url, "events": ["*"]})
    account_services.account_create(actor=rep, data={"name": "Allowed"})
    assert WebhookDelivery.objects.get(webhook=hook, event_name="account.created").status == (
        "delivered"
    )
