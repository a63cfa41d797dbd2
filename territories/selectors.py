"""Reads for territories: the access functions, the tree, a territory's accounts."""

from django.db.models import Count, F

from accounts.models import Account
from salesproc.access import get_visible_or_404

from .models import AccountTerritory, AssignmentRule, AssignmentRun, Territory


def may_manage_territories(user) -> bool:
    return bool(user.is_authenticated and (user.is_crm_admin or user.managed_team_ids))


def get_territory_for_user(user, pk, *, for_write=False) -> Territory:
    """The territory if `user` may see it (for_write: and change it), else Http404."""
    if for_write:
        queryset = Territory.objects.editable_by(user)
    else:
        queryset = Territory.objects.select_related("parent", "rep", "team")
    return get_visible_or_404(queryset, user, pk, for_write=for_write)


def get_rule_for_user(user, pk, *, for_write=False) -> AssignmentRule:
    """The assignment rule if its territory is visible (for_write: changeable), else Http404."""
    if for_write:
        queryset = AssignmentRule.objects.editable_by(user)
    else:
        queryset = AssignmentRule.objects.select_related("territory")
    return get_visible_or_404(queryset, user, pk, for_write=for_write)


def get_run_for_user(user, pk) -> AssignmentRun:
    return get_visible_or_404(AssignmentRun.objects.all(), user, pk)


def territory_tree(*, user):
    """The visible territories with their counts, parents before children (depth set)."""
    territories = list(
        Territory.objects.visible_to(user)
        .select_related("rep", "team", "parent")
        .annotate(
            account_count=Count("assignments", distinct=True),
            rule_count=Count("rules", distinct=True),
        )
        .order_by("name")
    )
    by_parent = {}
    ids = {t.pk for t in territories}
    for territory in territories:
        parent = territory.parent_id if territory.parent_id in ids else None
        by_parent.setdefault(parent, []).append(territory)
    ordered = []

    def walk(parent, depth):
        for territory in by_parent.get(parent, []):
            territory.depth = depth
            ordered.append(territory)
            walk(territory.pk, depth + 1)

    walk(None, 0)
    return ordered


def territory_accounts(*, user, territory):
    """The territory's accounts that `user` may see (visible_to still applies), biggest
    potential first, each with its potential and tier."""
    from .potential.selectors import with_tier

    accounts = (
        Account.objects.visible_to(user)
        .filter(territory_assignment__territory=territory)
        .select_related("owner", "territory_assignment")
    )
    return with_tier(accounts, territory_ids=[territory.pk]).order_by(
        F("potential").desc(), "name", "id"
    )


def account_territory(account):
    return AccountTerritory.objects.filter(account=account).select_related("territory").first()


def describe_moves(moves, *, user):
    """[{from, to, accounts, sentence}] and one summary line, naming only what `user` sees.

    "42 accounts move from North-West to North-East", "3 leave every territory".
    """
    ids = {m.from_territory for m in moves} | {m.to_territory for m in moves}
    names = dict(
        Territory.objects.visible_to(user).filter(pk__in=ids - {None}).values_list("pk", "name")
    )

    def name(pk):
        return names.get(pk, "a territory of another team")

    rows = []
    for move in moves:
        one = move.accounts == 1
        count = f"{move.accounts} account{'' if one else 's'}"
        if move.from_territory is None:
            sentence = f"{count} {'joins' if one else 'join'} {name(move.to_territory)}"
        elif move.to_territory is None:
            sentence = (
                f"{count} {'leaves' if one else 'leave'} every territory "
                f"(from {name(move.from_territory)})"
            )
        else:
            sentence = (
                f"{count} {'moves' if one else 'move'} from {name(move.from_territory)} "
                f"to {name(move.to_territory)}"
            )
        rows.append(
            {
                "from_territory": move.from_territory,
                "from_name": name(move.from_territory) if move.from_territory else None,
                "to_territory": move.to_territory,
                "to_name": name(move.to_territory) if move.to_territory else None,
                "accounts": move.accounts,
                "sentence": sentence,
            }
        )
    summary = "; ".join(row["sentence"] for row in rows) or "No account changes territory."
    return rows, summary


def territory_is_editable(user, territory) -> bool:
    return Territory.objects.editable_by(user).filter(pk=territory.pk).exists()


def next_free_priority() -> int:
    """A priority after every rule's, in steps of ten so rules can go in between."""
    from django.db.models import Max

    top = AssignmentRule.objects.aggregate(top=Max("priority"))["top"] or 0
    return (top // 10 + 1) * 10
