from datetime import date, timedelta

from django.db.models import Q, QuerySet

from accounts.plans.selectors import plan_settings
from salesproc.access import get_visible_or_404
from salesproc.models import User

from .models import Handoff


def _handoffs():
    return Handoff.objects.select_related(
        "account", "from_user", "from_user__team", "to_user", "to_user__team"
    )


def may_write_debrief(user: User, handoff: Handoff) -> bool:
    """The rep who won, their manager, or an admin."""
    rep = handoff.from_user
    return (
        user.is_crm_admin
        or rep.pk == user.pk
        or bool(rep.team_id and rep.team_id in user.managed_team_ids)
    )


def may_accept(user: User, handoff: Handoff) -> bool:
    """The account manager it is handed to (or an admin)."""
    return user.is_crm_admin or (handoff.to_user_id is not None and handoff.to_user_id == user.pk)


def may_assign(user: User, handoff: Handoff) -> bool:
    """A manager of the rep's or the account owner's team, or an admin."""
    if user.is_crm_admin:
        return True
    teams = {handoff.from_user.team_id, handoff.account.owner.team_id} - {None}
    return bool(teams & set(user.managed_team_ids))


def get_handoff_for_user(user, pk, *, for_write=False) -> Handoff:
    """The handoff if its account is visible to `user`, else Http404. Which step the user
    may take is each service's check (the rep writes, the account manager accepts)."""
    return get_visible_or_404(
        _handoffs().select_related("account__owner"), user, pk, for_write=for_write
    )


def handoff_list(*, user: User, status: str = "", scope: str = "") -> QuerySet:
    queryset = Handoff.objects.visible_to(user).select_related("account", "from_user", "to_user")
    if scope == "mine":
        queryset = queryset.filter(Q(from_user=user) | Q(to_user=user))
    if status in Handoff.Status.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def overdue_handoffs(*, user: User, today: date) -> QuerySet:
    """Handoffs of the manager's team not submitted within the admin-set days of the win."""
    due = today - timedelta(days=plan_settings().handoff_due_days)
    return (
        Handoff.objects.visible_to(user)
        .filter(status=Handoff.Status.OPEN, won_at__date__lt=due)
        .select_related("account", "from_user")
        .order_by("won_at", "id")
    )
