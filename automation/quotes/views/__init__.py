from .public import public_quote, public_quote_pdf
from .quotes import (
    quote_approve,
    quote_create,
    quote_detail,
    quote_edit,
    quote_list,
    quote_pdf,
    quote_reject,
    quote_request_approval,
    quote_revise,
    quote_send,
)
from .settings import quote_settings, terms_edit

__all__ = [
    "public_quote",
    "public_quote_pdf",
    "quote_approve",
    "quote_create",
    "quote_detail",
    "quote_edit",
    "quote_list",
    "quote_pdf",
    "quote_reject",
    "quote_request_approval",
    "quote_revise",
    "quote_send",
    "quote_settings",
    "terms_edit",
]
