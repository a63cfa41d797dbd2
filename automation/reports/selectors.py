"""Reads of scheduled reports."""

from salesproc.registry import report

from .models import ReportSubscription


def subscriptions_for(*, user):
    """The subscriptions this person may see (theirs; a manager's team's too), each with
    its report's title: one query."""
    subscriptions = list(
        ReportSubscription.objects.visible_to(user)
        .select_related("owner")
        .order_by("owner__first_name", "owner__username", "report_key", "id")
    )
    for subscription in subscriptions:
        item = report(subscription.report_key)
        subscription.report_title = item.title if item else subscription.report_key
        subscription.report_item = item
    return subscriptions
