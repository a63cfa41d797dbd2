"""The API of automation's parts, each registered by the part itself."""

from .audit import api as audit_api
from .emails import api as emails_api
from .quotes import api as quotes_api
from .reports import api as reports_api
from .webhooks import api as webhooks_api
from .workflows import api as workflows_api

PARTS = (workflows_api, webhooks_api, audit_api, emails_api, quotes_api, reports_api)


def register(router):
    for part in PARTS:
        part.register(router)


extra_urls = [url for part in PARTS for url in part.extra_urls]
