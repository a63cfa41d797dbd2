"""The territory panel on an account's page."""

from . import selectors


def account_territory(request, account):
    from .potential.selectors import potential_for_account

    row = selectors.account_territory(account)
    potential = potential_for_account(user=request.user, pk=account.pk)
    territory = row.territory if row else None
    return {
        "assignment": row,
        "territory": territory,
        "potential": potential,
        "may_unpin": bool(
            row
            and row.pinned
            and territory
            and selectors.territory_is_editable(request.user, territory)
        ),
    }
