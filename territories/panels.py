"""The territory panel on an account's page."""

from . import selectors


def account_territory(request, account):
    row = selectors.account_territory(account)
    territory = row.territory if row else None
    return {
        "assignment": row,
        "territory": territory,
        "may_unpin": bool(
            row
            and row.pinned
            and territory
            and selectors.territory_is_editable(request.user, territory)
        ),
    }
