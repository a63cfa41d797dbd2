from django.db.models import Count, Q
from django.utils import timezone

from .handoffs.selectors import overdue_handoffs as late_handoffs
from .models import Account, Contact
from .plans.selectors import overdue_actions as overdue


def my_accounts(request):
    """Home widget: accounts by status and contacts; a manager sees the team's, an admin all."""
    user = request.user
    figures = Account.objects.visible_to(user).aggregate(
        total=Count("id"),
        customers=Count("id", filter=Q(status=Account.Status.CUSTOMER)),
        prospects=Count("id", filter=Q(status=Account.Status.PROSPECT)),
    )
    figures["contacts"] = Contact.objects.visible_to(user).count()
    if user.is_crm_admin:
        figures["title"] = "All accounts"
    elif user.is_manager:
        figures["title"] = "My team's accounts"
    else:
        figures["title"] = "My accounts"
    return figures


def overdue_actions(request):
    """Home widget: the user's overdue account-plan action items (hidden when none)."""
    actions, count = overdue(user=request.user, today=timezone.localdate())
    if not count:
        return None
    return {"actions": actions, "count": count}


def overdue_handoffs(request):
    """Manager's home: handoffs not submitted within the admin-set days of the win."""
    user = request.user
    if not (user.is_manager or user.is_crm_admin):
        return None
    queryset = late_handoffs(user=user, today=timezone.localdate())
    handoffs = list(queryset[:5])
    if not handoffs:
        return None
    return {"handoffs": handoffs, "count": len(handoffs) if len(handoffs) < 5 else queryset.count()}
