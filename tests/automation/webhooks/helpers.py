"""An independent Standard Webhooks verifier, written from the spec for the tests."""

import base64
import hashlib
import hmac
from datetime import timedelta

from django.utils import timezone

from automation.webhooks.models import WebhookDelivery


def verify(secret, headers, body):
    """True when one of the v1 signatures in headers is body's, under secret."""
    assert secret.startswith("whsec_")
    key = base64.b64decode(secret[len("whsec_") :])
    to_sign = b".".join(
        [headers["webhook-id"].encode(), headers["webhook-timestamp"].encode(), body]
    )
    expected = base64.b64encode(hmac.new(key, to_sign, hashlib.sha256).digest()).decode()
    for item in headers["webhook-signature"].split(" "):
        version, _, signature = item.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


def make_due():
    WebhookDelivery.objects.filter(status="pending").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def sweep():
    from automation.webhooks.tasks import sweep_webhook_deliveries_task

    make_due()
    return sweep_webhook_deliveries_task()
