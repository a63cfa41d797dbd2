"""The lists a view can be saved on: key -> label, page (URL name) and process."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SavableList:
    key: str
    label: str
    url_name: str
    process: str | None = None


LISTS = {
    item.key: item
    for item in (
        SavableList("accounts", "Accounts", "accounts:account_list"),
        SavableList("contacts", "Contacts", "accounts:contact_list"),
        SavableList("leads", "Leads", "leads:lead_list", "leads"),
        SavableList("deals", "Deals", "deals:deal_list", "deals"),
        SavableList("calls", "Calls", "calls:call_list", "calls"),
    )
}
LIST_KEYS = list(LISTS)

# Query-string keys that are not part of a view: the page, the view tab itself.
NOT_SAVED = {"page", "view", "csrfmiddlewaretoken"}


def clean_params(querydict) -> dict:
    """{key: [values]} of a list's query string, without paging and empty values."""
    params = {}
    for key in sorted(querydict.keys()):
        if key in NOT_SAVED:
            continue
        values = [str(v)[:200] for v in querydict.getlist(key) if str(v).strip()]
        if values:
            params[str(key)[:60]] = values[:20]
    return params
