"""Reads of quotes, with the visibility of their deals."""

from django.db.models import Count, Q

from salesproc.access import get_visible_or_404

from .models import Quote


def get_quote_for_user(user, pk, *, for_write=False) -> Quote:
    return get_visible_or_404(Quote.objects.with_list_data(), user, pk, for_write=for_write)


def quotes_for_deal(*, deal):
    """The deal's quotes, latest versions first (a page shows them; one query)."""
    return list(Quote.objects.filter(deal=deal).order_by("-is_latest", "-number", "-version")[:50])


def quote_list(*, user, status="", approval="", search=""):
    qs = Quote.objects.visible_to(user).with_list_data().filter(is_latest=True)
    if status:
        qs = qs.filter(status=status)
    if approval == "mine":
        if user.is_crm_admin:
            qs = qs.filter(approval=Quote.Approval.PENDING)
        else:
            qs = qs.filter(
                approval=Quote.Approval.PENDING, deal__owner__team_id__in=user.managed_team_ids
            )
    elif approval:
        qs = qs.filter(approval=approval)
    if search:
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(deal__name__icontains=search)
            | Q(deal__account__name__icontains=search)
        )
    return qs.order_by("-created_at", "-id")


def status_counts(*, user):
    """How many latest quotes the user sees, per status (one query, in SQL)."""
    rows = (
        Quote.objects.visible_to(user)
        .filter(is_latest=True)
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [(value, label, counts.get(value, 0)) for value, label in Quote.Status.choices]


def versions_of(quote):
    return list(Quote.objects.filter(number=quote.number).order_by("-version"))
