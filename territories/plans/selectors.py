from salesproc.access import get_visible_or_404
from territories.models import TerritoryPlan


def get_territory_plan_for_user(user, pk, *, for_write=False) -> TerritoryPlan:
    queryset = (
        TerritoryPlan.objects.all()
        if for_write
        else TerritoryPlan.objects.select_related(
            "territory", "territory__rep", "author", "reviewer"
        )
    )
    return get_visible_or_404(queryset, user, pk, for_write=for_write)


def plan_accounts(plan):
    return plan.top_accounts.select_related("account").order_by("rank")
