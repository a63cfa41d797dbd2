"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A secret is "whsec_" + base64 of 32 random bytes; the key is those bytes. A message is
signed as base64(HMAC-SHA256(key, f"{webhook_id}.{timestamp}.{body}")) and the
`webhook-signature` header carries "v1,<signature>", space-separated when two secrets
are valid (during a rotation).
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret():
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret):
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret, message_id, timestamp, body: bytes):
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_, message_id, timestamp, body: bytes):
    return " ".join(sign(secret, message_id, timestamp, body) for secret in secrets_ if secret)
