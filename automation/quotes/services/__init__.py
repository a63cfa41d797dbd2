"""Quote services: every write goes through one of these (pages, API, tasks alike)."""

from ._common import can_approve, company_settings
from .approvals import (
    approval_state,
    needs_approval,
    quote_approve,
    quote_reject,
    quote_request_approval,
)
from .configuration import (
    company_settings_update,
    terms_template_create,
    terms_template_update,
)
from .cover import cover_templates_for
from .numbering import next_quote_number
from .public import (
    link_expired,
    link_refusal,
    quote_accept,
    quote_decline,
    quote_for_token,
    quotes_expire_due,
)
from .quotes import lines_of, quote_create, quote_revise, quote_update
from .sending import default_recipient, email_quote, public_url, quote_send

__all__ = [
    "approval_state",
    "can_approve",
    "company_settings",
    "company_settings_update",
    "cover_templates_for",
    "default_recipient",
    "email_quote",
    "lines_of",
    "link_expired",
    "link_refusal",
    "needs_approval",
    "next_quote_number",
    "public_url",
    "quote_accept",
    "quote_approve",
    "quote_create",
    "quote_decline",
    "quote_for_token",
    "quote_reject",
    "quote_request_approval",
    "quote_revise",
    "quote_send",
    "quote_update",
    "quotes_expire_due",
    "terms_template_create",
    "terms_template_update",
]
