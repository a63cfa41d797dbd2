"""The accounts of some territories with potential, tier and last visit, as ONE derived
table in SQL, for reports that aggregate over many accounts (coverage, map, balance).

Why not `with_tier`: the ORM inlines an annotation wherever it is referenced, so the
tier's CASE repeats the potential (four subqueries) once per tier, and "covered" repeats
the tier once per tier again: hundreds of subquery runs per account. Here every part is
computed once per account in an inner query behind an optimisation fence (OFFSET 0: the
planner may not pull it up and copy its subqueries), and the tier is a plain CASE on the
result. Share mode ranks the accounts of each territory with a window function (RANK),
over every account of the territory, not only those the user sees.

    sql, params = tiered_accounts(territory_ids=[...], user=request.user)
    cursor.execute(f"SELECT tier, COUNT(*) FROM ({sql}) t WHERE visible GROUP BY tier", params)

Columns: id, name, territory_id, latitude, longitude, potential, tier, last_held,
covered (1 when visited within the tier's window), visible (the user may see it).
"""

from datetime import UTC, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import BooleanField, DateTimeField, Exists, F, Max, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from territories.models import TerritorySettings

from .selectors import policies, potential_parts


def window_days(policy) -> int:
    """The policy window: how long an account of the tier may go between visits."""
    return -(-policy.period_weeks * 7 // max(1, policy.visits_per_period))


def _fence() -> str:
    return " LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else " OFFSET 0"


def tiered_accounts(*, territory_ids, user=None, now=None, tier_policies=None, mode=None):
    """(sql, params) of the derived table described above."""
    from accounts.models import Account
    from calls.models import Call

    now = now or timezone.now()
    tier_policies = tier_policies or policies()
    mode = mode or TerritorySettings.current().tier_mode
    held = [Call.Status.COMPLETED, Call.Status.DEBRIEFED, Call.Status.REVIEWED]
    last_held = (
        Call.objects.filter(account_id=OuterRef("pk"), status__in=held, scheduled_at__lte=now)
        .order_by()
        .values("account_id")
        .annotate(last=Max("scheduled_at"))
        .values("last")[:1]
    )
    visible = (
        Exists(Account.objects.visible_to(user).filter(pk=OuterRef("pk")))
        if user is not None
        else Value(True, output_field=BooleanField())
    )
    parts = potential_parts(now=now)
    parts.pop("override_reason")
    inner = (
        # No territory: an id no row has (an empty IN () would not compile to SQL).
        Account.objects.filter(territory_assignment__territory_id__in=list(territory_ids) or [0])
        .order_by()
        .annotate(
            territory_id=F("territory_assignment__territory_id"),
            last_held=Subquery(last_held, output_field=DateTimeField()),
            visible=visible,
            **parts,
        )
        .values(
            "id",
            "name",
            "territory_id",
            "latitude",
            "longitude",
            "last_held",
            "visible",
            *parts,
        )
    )
    inner_sql, params = inner.query.sql_with_params()
    params = list(params)
    potential = (
        "CAST(COALESCE(b.override_value, b.band_value + b.won_12m + b.open_pipeline) AS NUMERIC)"
    )
    ranked = (
        f"SELECT b.id, b.name, b.territory_id, b.latitude, b.longitude, b.last_held, "
        f"b.visible, {potential} AS potential, "
        f"RANK() OVER (PARTITION BY b.territory_id ORDER BY {potential} DESC) AS place, "
        f"COUNT(*) OVER (PARTITION BY b.territory_id) AS members "
        f"FROM ({inner_sql}{_fence()}) b"
    )
    whens, tier_params = [], []
    if mode == TerritorySettings.TierMode.SHARE:
        reached = 0
        for policy in tier_policies[:-1]:
            reached += policy.top_share_percent
            # The top share, rounded up (as many as the cut-off's potential reaches).
            whens.append(f"WHEN r.place <= (r.members * {int(reached)} + 99) / 100 THEN %s")
            tier_params.append(policy.tier)
    else:
        for policy in tier_policies[:-1]:
            whens.append("WHEN r.potential >= %s THEN %s")
            tier_params += [float(policy.min_potential), policy.tier]
    tier = f"CASE {' '.join(whens)} ELSE %s END" if whens else "%s"
    tier_params.append(tier_policies[-1].tier)
    tiered = f"SELECT r.*, {tier} AS tier FROM ({ranked}) r"
    covered_whens, covered_params = [], []
    for policy in tier_policies:
        since = now - timedelta(days=window_days(policy))
        covered_whens.append("WHEN t.tier = %s AND t.last_held >= %s THEN 1")
        covered_params += [policy.tier, connection.ops.adapt_datetimefield_value(since)]
    sql = f"SELECT t.*, CASE {' '.join(covered_whens)} ELSE 0 END AS covered FROM ({tiered}) t"
    return sql, covered_params + tier_params + params  # in the order they appear


def run(sql, params):
    """Rows of a query over the derived table, as dicts.

    On PostgreSQL without JIT: the subqueries per account make the planner's cost look
    high enough to compile the query, which costs seconds and saves nothing here
    (measured at 50,000 accounts: 3.6 s of compiling for 2.4 s of work)."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def money(value) -> Decimal:
    """A sum from the raw cursor (Decimal, int, float or text by database) as money."""
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def moment(value):
    """A datetime from the raw cursor (SQLite gives text, in UTC)."""
    if value is None or not isinstance(value, str):
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed
