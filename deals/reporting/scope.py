"""Who and what a report covers, and the arithmetic every report shares.

Every report starts from `visible_to(user)` (through `scoped`): a rep sees their own
deals, a manager their team's, an admin all; `resolve_owner` narrows to one rep among
the people the user may see.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, DurationField, Exists, ExpressionWrapper, F, OuterRef

from deals.models import Pipeline
from deals.periods import add_months
from salesproc.models import Team, User, users_visible_to

HISTORY_MONTHS = 6  # the win rate and average won deal size look this far back


CENT = Decimal("0.01")


ZERO = Decimal("0")


MONEY = DecimalField(max_digits=20, decimal_places=2)


DEAL_WEIGHT = ExpressionWrapper(F("amount") * F("stage__probability"), output_field=MONEY)


SNAPSHOT_WEIGHT = ExpressionWrapper(F("amount") * F("probability"), output_field=MONEY)


SALES_CYCLE = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())


def to_money(value) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(CENT, ROUND_HALF_UP)


def weighted(value) -> Decimal:
    """A summed amount x probability back to money."""
    return to_money((Decimal(value) if value is not None else ZERO) / 100)


def ratio(part, whole):
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


def resolve_owner(*, user: User, owner) -> User | None:
    """The rep a report is narrowed to, among the people `user` may see; None for all."""
    if owner in (None, ""):
        return None
    if isinstance(owner, User):
        # the same rule as users_visible_to, without a query for a user already loaded
        if (
            owner.pk == user.pk
            or user.is_crm_admin
            or (owner.is_active and owner.team_id in user.managed_team_ids)
        ):
            return owner
        raise ValidationError({"owner": "No such rep among the people you can see."})
    try:
        owner_id = int(owner)
    except (TypeError, ValueError):
        raise ValidationError({"owner": "Give the id of a rep."})
    if owner_id == user.pk:
        return user
    found = users_visible_to(user).filter(pk=owner_id).first()
    if found is None:
        raise ValidationError({"owner": "No such rep among the people you can see."})
    return found


def resolve_pipeline(pipeline) -> Pipeline | None:
    if pipeline in (None, ""):
        return None
    if isinstance(pipeline, Pipeline):
        return pipeline
    try:
        found = Pipeline.objects.filter(pk=int(pipeline)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationError({"pipeline": "No such pipeline."})
    return found


def scope_label(*, user: User, owner: User | None) -> str:
    if owner is not None:
        return "You" if owner.pk == user.pk else owner.display_name
    if user.is_crm_admin:
        return "Everyone"
    if user.managed_team_ids:
        return "Your team"
    return "You"


def scoped(queryset, *, user, owner, owner_field="owner"):
    queryset = queryset.visible_to(user)
    if owner is not None:
        queryset = queryset.filter(**{f"{owner_field}_id": owner.pk})
    return queryset


def history_window(month_start: date, today: date) -> tuple[date, date]:
    """The months the win rate is read from: the HISTORY_MONTHS full months before the
    planned month (for a future month, before the current one)."""
    end = min(month_start, today.replace(day=1))
    return add_months(end, -HISTORY_MONTHS), end


def report_people(user):
    """The people in a report: those `user` may see, with whether they manage a team."""
    return users_visible_to(user).annotate(
        manages_team=Exists(Team.objects.filter(manager=OuterRef("pk")))
    )


def is_seller(person) -> bool:
    return not (person.manages_team or person.is_crm_admin)
