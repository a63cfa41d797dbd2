from django.db.models import Count, Q

from .models import Account, Contact


def my_accounts(request):
    """Home widget: the user's own accounts by status and contact count, one query each."""
    figures = Account.objects.filter(owner=request.user).aggregate(
        total=Count("id"),
        customers=Count("id", filter=Q(status=Account.Status.CUSTOMER)),
        prospects=Count("id", filter=Q(status=Account.Status.PROSPECT)),
    )
    figures["contacts"] = Contact.objects.filter(owner=request.user).count()
    return figures
